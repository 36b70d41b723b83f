package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubeconfig resolution as client-go does it: files, merging, contexts, overrides, paths and credentials. */
class KubeConfigLoaderTest {

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private KubeConfigLoader loader;

    @BeforeEach
    void setUp() {
        loader = new KubeConfigLoader(env::get, dir.resolve("home"), dir.resolve("no-service-account"));
    }

    private Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, yaml);
        return p;
    }

    private static ConnectionFlags flags(String kubeconfig, String context, String namespace) {
        return new ConnectionFlags(kubeconfig, context, null, null, null, null, namespace, null, null, null, null, null,
                null, List.of(), null);
    }

    private static final String TWO_CONTEXTS = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster:
                server: https://prod.example:6443
                certificate-authority: ca.crt
                tls-server-name: api.prod
            - name: dev
              cluster:
                server: https://10.0.0.1
                insecure-skip-tls-verify: true
                proxy-url: socks5://127.0.0.1:1080
            users:
            - name: admin
              user:
                client-certificate: certs/admin.crt
                client-key: /abs/admin.key
            - name: robot
              user:
                tokenFile: token
                as: someone
                as-groups: [g1, g2]
            contexts:
            - name: prod
              context: {cluster: prod, user: admin, namespace: shop}
            - name: dev
              context: {cluster: dev, user: robot}
            current-context: prod
            """;

    @Test
    void theCurrentContextGivesServerNamespaceAndPathsRelativeToTheFile() throws IOException {
        Path file = write("kube/config", TWO_CONTEXTS);

        ClientConfig c = loader.load(flags(file.toString(), null, null));

        assertThat(c.server().toString()).isEqualTo("https://prod.example:6443");
        assertThat(c.namespace()).isEqualTo("shop");
        assertThat(c.namespaceExplicit()).isFalse();
        assertThat(c.certificateAuthorityFile()).isEqualTo(dir.resolve("kube/ca.crt"));
        assertThat(c.clientCertificateFile()).isEqualTo(dir.resolve("kube/certs/admin.crt"));
        assertThat(c.clientKeyFile()).isEqualTo(Path.of("/abs/admin.key"));
        assertThat(c.tlsServerName()).isEqualTo("api.prod");
        assertThat(c.insecureSkipTlsVerify()).isFalse();
    }

    @Test
    void contextFlagSelectsTheOtherContextAndItsDefaultNamespace() throws IOException {
        Path file = write("kube/config", TWO_CONTEXTS);

        ClientConfig c = loader.load(flags(file.toString(), "dev", null));

        assertThat(c.server().toString()).isEqualTo("https://10.0.0.1");
        assertThat(c.namespace()).isEqualTo("default");
        assertThat(c.insecureSkipTlsVerify()).isTrue();
        assertThat(c.proxyUrl().toString()).isEqualTo("socks5://127.0.0.1:1080");
        assertThat(c.tokenFile()).isEqualTo(dir.resolve("kube/token"));
        assertThat(c.impersonateUser()).isEqualTo("someone");
        assertThat(c.impersonateGroups()).containsExactly("g1", "g2");
    }

    @Test
    void namespaceFlagWinsOverTheContext() throws IOException {
        Path file = write("kube/config", TWO_CONTEXTS);

        ClientConfig c = loader.load(flags(file.toString(), null, "other"));

        assertThat(c.namespace()).isEqualTo("other");
        assertThat(c.namespaceExplicit()).isTrue();
    }

    @Test
    void flagsOverrideClusterUserServerAndToken() throws IOException {
        Path file = write("kube/config", TWO_CONTEXTS);

        ClientConfig c = loader.load(new ConnectionFlags(file.toString(), null, "dev", "robot", "https://override:1",
                "flag-token", null, "/my/ca", null, null, false, "sni.name", null, List.of(), null));

        assertThat(c.server().toString()).isEqualTo("https://override:1");
        assertThat(c.token()).isEqualTo("flag-token");
        assertThat(c.tokenFile()).isNull();
        assertThat(c.certificateAuthorityFile()).isEqualTo(Path.of("/my/ca"));
        assertThat(c.insecureSkipTlsVerify()).isFalse();
        assertThat(c.tlsServerName()).isEqualTo("sni.name");
        assertThat(c.namespace()).isEqualTo("shop");
    }

    @Test
    void kubeconfigListMergesWithTheFirstFileWinning() throws IOException {
        Path a = write("a.yaml", """
                clusters:
                - name: c
                  cluster: {server: "https://first:1"}
                users:
                - name: u
                  user: {token: first}
                contexts:
                - name: x
                  context: {cluster: c, user: u, namespace: from-a}
                """);
        Path b = write("b.yaml", """
                clusters:
                - name: c
                  cluster: {server: "https://second:2"}
                - name: d
                  cluster: {server: "https://only-in-b:3"}
                contexts:
                - name: y
                  context: {cluster: d, user: u}
                current-context: y
                """);
        env.put("KUBECONFIG", a + java.io.File.pathSeparator + dir.resolve("missing.yaml")
                + java.io.File.pathSeparator + b);

        ClientConfig current = loader.load(ConnectionFlags.none());
        ClientConfig x = loader.load(flags(null, "x", null));

        assertThat(current.server().toString()).isEqualTo("https://only-in-b:3");
        assertThat(current.token()).isEqualTo("first");
        assertThat(x.server().toString()).isEqualTo("https://first:1");
        assertThat(x.namespace()).isEqualTo("from-a");
    }

    @Test
    void theHomeKubeconfigIsTheDefault() throws IOException {
        write("home/.kube/config", TWO_CONTEXTS);

        assertThat(loader.load(ConnectionFlags.none()).namespace()).isEqualTo("shop");
    }

    @Test
    void embeddedDataAndExecPluginsAreRead() throws IOException {
        String ca = Base64.getEncoder().encodeToString("CA".getBytes(StandardCharsets.US_ASCII));
        Path file = write("config", """
                clusters:
                - name: c
                  cluster:
                    server: https://h:443
                    certificate-authority-data: %s
                    extensions:
                    - name: client.authentication.k8s.io/exec
                      extension: {audience: kube}
                users:
                - name: u
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: ./bin/get-token
                      args: [--cluster, c]
                      env: [{name: REGION, value: eu}]
                      provideClusterInfo: true
                      interactiveMode: Never
                      installHint: install get-token
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(ca));

        ClientConfig c = loader.load(flags(file.toString(), null, null));

        assertThat(new String(c.certificateAuthorityData(), StandardCharsets.US_ASCII)).isEqualTo("CA");
        assertThat(c.exec().command()).isEqualTo(dir.resolve("bin/get-token").toString());
        assertThat(c.exec().args()).containsExactly("--cluster", "c");
        assertThat(c.exec().env()).containsEntry("REGION", "eu");
        assertThat(c.exec().provideClusterInfo()).isTrue();
        assertThat(c.exec().interactiveMode()).isEqualTo("Never");
        assertThat(c.exec().clusterExtension()).isEqualTo(Map.of("audience", "kube"));
        Map<String, Object> info = ExecCredentials.execInfo(c.exec(), c, false);
        assertThat(info.toString()).contains("interactive=false", "server=https://h:443",
                "certificate-authority-data=" + ca, "config={audience=kube}");
    }

    @Test
    void anExecCredentialGivesATokenOrACertificate() {
        ClientConfig.ExecConfig exec = new ClientConfig.ExecConfig("p", List.of(), Map.of(),
                "client.authentication.k8s.io/v1beta1", null, false, null, null);

        assertThat(ExecCredentials.parse("{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
                + "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"abc\"}}", exec).token()).isEqualTo("abc");
        assertThatThrownBy(() -> ExecCredentials.parse("{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                + "\"status\":{\"token\":\"abc\"}}", exec)).hasMessageContaining("returned apiVersion");
        assertThatThrownBy(() -> ExecCredentials.parse("{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
                + "\"status\":{}}", exec)).hasMessageContaining("neither a token nor a certificate");
    }

    @Test
    void anUnknownContextIsAnError() throws IOException {
        Path file = write("config", TWO_CONTEXTS);

        assertThatThrownBy(() -> loader.load(flags(file.toString(), "staging", null)))
                .isInstanceOf(KubeException.class).hasMessage("context \"staging\" does not exist");
    }

    @Test
    void anUnknownUserOfAContextIsAnonymousAndAnUnknownClusterNeedsServer() throws IOException {
        Path file = write("config", """
                clusters:
                - name: c
                  cluster: {server: https://c.example}
                contexts:
                - name: ghost-user
                  context: {cluster: c, user: ghost}
                - name: ghost-cluster
                  context: {cluster: ghost, user: ghost}
                """);

        assertThat(loader.load(flags(file.toString(), "ghost-user", null)).token()).isNull();
        assertThatThrownBy(() -> loader.load(new ConnectionFlags(file.toString(), "ghost-user", null, "ghost", null,
                null, null, null, null, null, null, null, null, List.of(), null)))
                .hasMessage("user \"ghost\" does not exist");
        assertThatThrownBy(() -> loader.load(flags(file.toString(), "ghost-cluster", null)))
                .hasMessage("cluster \"ghost\" does not exist");
        assertThat(loader.load(new ConnectionFlags(file.toString(), "ghost-cluster", null, null, "https://s.example",
                null, null, null, null, null, null, null, null, List.of(), null)).server().getHost())
                .isEqualTo("s.example");
    }

    @Test
    void aMissingKubeconfigFlagFileIsAnError() {
        assertThatThrownBy(() -> loader.load(flags("/no/such/file", null, null)))
                .hasMessage("stat /no/such/file: no such file or directory");
    }

    @Test
    void noConfigurationAtAllIsAnError() {
        assertThatThrownBy(() -> loader.load(ConnectionFlags.none()))
                .hasMessageStartingWith("invalid configuration: no configuration has been provided");
    }

    /** A loader inside a pod: the service account's files and the API server's Service in the environment. */
    private KubeConfigLoader inAPod() throws IOException {
        Path sa = dir.resolve("sa");
        Files.createDirectories(sa);
        Files.writeString(sa.resolve("token"), "sa-token");
        Files.writeString(sa.resolve("namespace"), "tools\n");
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        env.put("KUBERNETES_SERVICE_PORT", "443");
        return new KubeConfigLoader(env::get, dir.resolve("home"), sa);
    }

    @Test
    void insideAPodTheServiceAccountIsUsed() throws IOException {
        ClientConfig c = inAPod().load(ConnectionFlags.none());

        assertThat(c.server().toString()).isEqualTo("https://10.96.0.1:443");
        assertThat(c.namespace()).isEqualTo("tools");
        assertThat(c.tokenFile()).isEqualTo(dir.resolve("sa/token"));
        assertThat(c.certificateAuthorityFile()).isEqualTo(dir.resolve("sa/ca.crt"));
    }

    @Test
    void insideAPodTheFlagsOverrideTheServiceAccountAsTheyOverrideAKubeconfig() throws IOException {
        KubeConfigLoader loader = inAPod();

        ClientConfig c = loader.load(new ConnectionFlags(null, null, null, null, null, "flag-token", "other", "/my/ca",
                null, null, null, "sni.name", "someone", List.of(), null));

        assertThat(c.token()).isEqualTo("flag-token");
        assertThat(c.tokenFile()).isNull();
        assertThat(c.namespace()).isEqualTo("other");
        assertThat(c.certificateAuthorityFile()).isEqualTo(Path.of("/my/ca"));
        assertThat(c.tlsServerName()).isEqualTo("sni.name");
        assertThat(c.impersonateUser()).isEqualTo("someone");
        assertThatThrownBy(() -> loader.load(flags(null, "prod", null))).hasMessage("context \"prod\" does not exist");
    }

    @Test
    void aServerFlagWorksWithoutAnyKubeconfig() {
        ClientConfig c = loader.load(new ConnectionFlags(null, null, null, null, "https://1.2.3.4:6443", "t", null,
                null, null, null, true, null, null, List.of(), null));

        assertThat(c.server().toString()).isEqualTo("https://1.2.3.4:6443");
        assertThat(c.token()).isEqualTo("t");
        assertThat(c.namespace()).isEqualTo("default");
    }
}
