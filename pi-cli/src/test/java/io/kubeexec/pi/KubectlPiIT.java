package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import io.kubeexec.pi.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl pi} as users run it: the real {@code kubectl} finds {@code bin/kubectl-pi} on the PATH and talks to a
 * real kube-apiserver v1.20.2 (with etcd), which kube-api-test starts from {@code KUBE_API_TEST_DIR}
 * ({@code tools/kube-api-test-dir.sh}). No controller runs, so {@code extend} only writes its annotation.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2",
        apiServerFlags = {"--token-auth-file", "src/test/resources/kube-api-test/tokens.csv"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlPiIT {

    @KubeConfig
    static String kubeconfigYaml;

    @TempDir
    static Path dir;

    private static Path kubeconfig;
    private static String server;

    private static final String HEADER = "POD-NAME\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\n";

    /** The history the controller records: three interactions, oldest first, as it writes it. */
    private static final String HISTORY = "["
            + "{\"user\":\"dave\",\"groups\":[\"system:masters\",\"system:authenticated\"],\"kind\":\"exec\","
            + "\"container\":\"c\",\"command\":[\"sh\",\"-c\",\"cat /etc/hostname\"],"
            + "\"time\":\"2021-10-16 18:06:44 +0000 UTC\"},"
            + "{\"user\":\"dave\",\"groups\":[\"system:masters\",\"system:authenticated\"],\"kind\":\"cp\","
            + "\"container\":\"c\",\"command\":[\"tar\",\"cf\",\"-\",\"/var/log\"],"
            + "\"time\":\"2021-10-16 18:07:30 +0000 UTC\"},"
            + "{\"user\":\"system:serviceaccount:ci:bot\",\"groups\":[\"system:serviceaccounts\","
            + "\"system:serviceaccounts:ci\",\"system:authenticated\"],\"kind\":\"portforward\",\"container\":\"\","
            + "\"command\":[],\"time\":\"2021-10-16 18:10:02 +0000 UTC\"}]";

    /** A pod labelled exactly as the controller labels it. */
    private static String pod(String namespace, String name, String user, String extension, String requester,
            String termination) {
        return pod(namespace, name, user, extension, requester, termination, null);
    }

    private static String pod(String namespace, String name, String user, String extension, String requester,
            String termination, String interactions) {
        StringBuilder annotations = new StringBuilder();
        if (interactions != null) { // JSON in a single-quoted YAML scalar
            annotations.append("    box.com/podInteractions: '").append(interactions.replace("'", "''")).append("'\n");
        }
        if (termination != null) {
            annotations.append("    box.com/podTerminationTime: \"").append(termination).append("\"\n");
        }
        if (extension != null) {
            annotations.append("    box.com/podExtendedDuration: \"").append(extension).append("\"\n");
            annotations.append("    box.com/podExtensionRequester: \"").append(requester).append("\"\n");
        }
        String labels = user == null ? "    app: plain\n"
                : "    box.com/podInitialInteractionTimestamp: \"1634407604\"\n"
                + "    box.com/podInteractorUsername: " + user + "\n"
                + "    box.com/podTTLDuration: 10m0s\n";
        return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + namespace + "\n"
                + "  labels:\n" + labels
                + (annotations.length() == 0 ? "" : "  annotations:\n" + annotations)
                + "spec:\n  containers:\n  - name: c\n    image: nginx\n---\n";
    }

    @BeforeAll
    static void cluster() throws Exception {
        assertThat(kubeconfigYaml).as("kube-api-test injects the kubeconfig of its API server").isNotBlank();
        Matcher m = Pattern.compile("server: (\\S+)").matcher(kubeconfigYaml);
        assertThat(m.find()).isTrue();
        server = m.group(1);
        // The context's namespace becomes pi-it: `kubectl pi get` without -n must pick it up.
        kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, kubeconfigYaml.replace("namespace: default", "namespace: pi-it"));

        String manifests = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: pi-it\n---\n"
                + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: pi-other\n---\n"
                + pod("pi-it", "web-0", "alice", null, null, "2021-10-16 18:16:44 +0000 UTC")
                + pod("pi-it", "web-1", "bob", "30m", "carol@example.com", "2021-10-16 18:46:44 +0000 UTC")
                + pod("pi-it", "db", null, null, null, null)
                + pod("pi-it", "prompted", "alice", "30m", "carol", "2021-10-16 18:46:44 +0000 UTC")
                + pod("pi-other", "api", "dave", null, null, "2021-10-16 18:16:44 +0000 UTC", HISTORY);
        Result applied = run(manifests, List.of(), "kubectl", "apply", "-f", "-");
        assertThat(applied.exit()).as(applied.err()).isZero();
    }

    @Test
    @Order(1)
    void kubectlFindsThePluginOnThePath() throws Exception {
        Result r = run("", List.of(), "kubectl", "plugin", "list");

        assertThat(r.out()).contains("kubectl-pi");
    }

    @Test
    @Order(2)
    void getNamedPodsPrintsTheOriginalsTable() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "get", "web-0", "web-1", "db");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(HEADER
                + "web-0\t\talice\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n"
                + "web-1\t\tbob\t\t10m0s\t\t30m\t\tcarol@example.com\t2021-10-16 18:46:44 +0000 UTC\n"
                + "db\t\t\t\t\t\t\t\t\t\t\t\n");
    }

    @Test
    @Order(3)
    void getWithoutNamesListsTheNamespaceOfTheContext() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "GET");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().map(l -> l.split("\t")[0]).toList())
                .containsExactly("POD-NAME", "db", "prompted", "web-0", "web-1");
    }

    @Test
    @Order(4)
    void allNamespacesListsEveryNamespaceWithANamespaceColumn() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "get", "-A");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("NAMESPACE\tPOD-NAME\t");
        assertThat(r.out().lines().skip(1).map(l -> l.split("\t+")[0] + "/" + l.split("\t+")[1]).toList())
                .containsExactly("pi-it/db", "pi-it/prompted", "pi-it/web-0", "pi-it/web-1", "pi-other/api");
    }

    @Test
    @Order(5)
    @SuppressWarnings("unchecked")
    void jsonOutputCarriesTheState() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "get", "-o", "json", "-n", "pi-other");

        assertThat(r.exit()).as(r.err()).isZero();
        List<Map<String, Object>> items = (List<Map<String, Object>>) Json.parseObject(r.out()).get("items");
        assertThat(items).singleElement().satisfies(item -> assertThat(item)
                .containsEntry("namespace", "pi-other")
                .containsEntry("name", "api")
                .containsEntry("interacted", true)
                .containsEntry("interactor", "dave")
                .containsEntry("ttl", "10m0s")
                .containsEntry("initialInteractionTime", "2021-10-16 18:06:44 +0000 UTC")
                .containsEntry("evictionTime", "2021-10-16 18:16:44 +0000 UTC"));
    }

    @Test
    @Order(5)
    @SuppressWarnings("unchecked")
    void jsonOutputListsTheRecordedInteractions() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "get", "-o", "json", "-n", "pi-other", "api");
        Result plain = run("", List.of(), "kubectl", "pi", "get", "-o", "json", "db");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Map<String, Object> item = ((List<Map<String, Object>>) Json.parseObject(r.out()).get("items")).get(0);
        assertThat((List<Map<String, Object>>) item.get("interactions")).containsExactly(
                Map.of("user", "dave", "groups", List.of("system:masters", "system:authenticated"), "kind", "exec",
                        "container", "c", "command", List.of("sh", "-c", "cat /etc/hostname"),
                        "time", "2021-10-16 18:06:44 +0000 UTC"),
                Map.of("user", "dave", "groups", List.of("system:masters", "system:authenticated"), "kind", "cp",
                        "container", "c", "command", List.of("tar", "cf", "-", "/var/log"),
                        "time", "2021-10-16 18:07:30 +0000 UTC"),
                Map.of("user", "system:serviceaccount:ci:bot", "groups", List.of("system:serviceaccounts",
                        "system:serviceaccounts:ci", "system:authenticated"), "kind", "portforward",
                        "command", List.of(), "time", "2021-10-16 18:10:02 +0000 UTC"));
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(((List<Map<String, Object>>) Json.parseObject(plain.out()).get("items")).get(0))
                .containsEntry("interactions", List.of());
    }

    @Test
    @Order(5)
    void wideOutputCountsTheInteractionsAndShowsTheLast() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "get", "-o", "wide", "-n", "pi-other");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("NAMESPACE\tPOD-NAME\tINTERACTOR\tPOD-TTL\t\tEXTENSION\t"
                + "EXTENSION-REQUESTER\tEVICTION-TIME\t\t\tINITIAL-INTERACTION-TIME\tINTERACTIONS\tLAST-INTERACTION");
        // The age grows with the calendar: years and days since 2021-10-16 18:10:02 UTC.
        assertThat(lines.get(1)).matches("pi-other\tapi\t\tdave\t\t10m0s\t\t\t\t\t\t\t"
                + "2021-10-16 18:16:44 \\+0000 UTC\t2021-10-16 18:06:44 \\+0000 UTC\t3\t\t"
                + "portforward by system:serviceaccount:ci:bot \\d+y(\\d+d)? ago");
        assertThat(lines).hasSize(2);
    }

    @Test
    @Order(6)
    void aMissingPodIsReportedOnStderrAndTheOthersAreStillShown() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "get", "nope", "web-0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: pods \"nope\" not found\n");
        assertThat(r.out()).startsWith(HEADER).contains("web-0\t\talice");
    }

    @Test
    @Order(7)
    void extendWithYesWritesOnlyTheExtensionAnnotationInGoForm() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "extend", "-d", "1h", "-y", "web-1", "db");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("Warning: pod/web-1 is already annotated with an extension=30m\n"
                + "Successfully extended the termination time of pod/web-1 with a duration=1h0m0s\n"
                + "no interaction detected from the pod/db\n");
        assertThat(annotation("web-1", "podExtendedDuration")).isEqualTo("1h0m0s");
        // A merge patch of one key: what the controller wrote is untouched.
        assertThat(annotation("web-1", "podExtensionRequester")).isEqualTo("carol@example.com");
        assertThat(annotation("web-1", "podTerminationTime")).isEqualTo("2021-10-16 18:46:44 +0000 UTC");
        assertThat(annotation("db", "podExtendedDuration")).isEmpty();
    }

    @Test
    @Order(8)
    void extendOfAPodWithoutExtensionNeedsNoPrompt() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "extend", "-d", "1d", "web-0");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("Successfully extended the termination time of pod/web-0 with a duration=24h0m0s\n");
        assertThat(annotation("web-0", "podExtendedDuration")).isEqualTo("24h0m0s");
    }

    @Test
    @Order(9)
    void thePromptReadsTheAnswerFromStdin() throws Exception {
        Result no = run("n\n", List.of(), "kubectl", "pi", "extend", "-d", "2h", "prompted");
        assertThat(no.exit()).as(no.err()).isZero();
        assertThat(no.out()).isEqualTo("Warning: pod/prompted is already annotated with an extension=30m\n"
                + "Please confirm to overwrite the existing extension [y/n]: ");
        assertThat(annotation("prompted", "podExtendedDuration")).isEqualTo("30m");

        Result yes = run("what\ny\n", List.of(), "kubectl", "pi", "extend", "-d", "2h", "prompted");
        assertThat(yes.exit()).as(yes.err()).isZero();
        assertThat(yes.out()).isEqualTo("Warning: pod/prompted is already annotated with an extension=30m\n"
                + "Please confirm to overwrite the existing extension [y/n]: Invalid input, please try again\n"
                + "Please confirm to overwrite the existing extension [y/n]: "
                + "Successfully extended the termination time of pod/prompted with a duration=2h0m0s\n");
        assertThat(annotation("prompted", "podExtendedDuration")).isEqualTo("2h0m0s");
    }

    @Test
    @Order(10)
    void extendOfAMissingPodFailsWithoutStoppingTheOthers() throws Exception {
        Result r = run("", List.of(), "kubectl", "pi", "extend", "-y", "-d", "45m", "nope", "web-0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: pods \"nope\" not found\n");
        assertThat(annotation("web-0", "podExtendedDuration")).isEqualTo("45m0s");
    }

    @Test
    @Order(11)
    void contextFlagSelectsTheSecondContextOfAKubeconfig() throws Exception {
        Path file = dir.resolve("two-contexts");
        Files.writeString(file, contexts(kubeconfigYaml));

        Result current = run("", List.of(), "kubectl", "pi", "get", "--kubeconfig", file.toString());
        Result other = run("", List.of(), "kubectl", "pi", "get", "--kubeconfig", file.toString(), "--context", "other");
        Result unknown = run("", List.of(), "kubectl", "pi", "get", "--kubeconfig", file.toString(), "--context", "x");

        assertThat(current.exit()).as(current.err()).isZero();
        assertThat(current.out()).contains("\nweb-0\t").doesNotContain("api");
        assertThat(other.exit()).as(other.err()).isZero();
        assertThat(other.out()).isEqualTo(HEADER + "api\t\tdave\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("Error: context \"x\" does not exist\n");
    }

    @Test
    @Order(12)
    void tokensFromTheFlagAndFromAnExecCredentialPluginAuthenticate() throws Exception {
        Path plugin = dir.resolve("get-token.sh");
        Files.writeString(plugin, "#!/bin/sh\n"
                + "case \"$KUBERNETES_EXEC_INFO\" in *'\"interactive\":false'*) ;; *) echo bad exec info >&2; exit 3;; esac\n"
                + "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
                + "\"status\":{\"token\":\"plugin-token\"}}'\n");
        assertThat(plugin.toFile().setExecutable(true)).isTrue();
        Path config = dir.resolve("exec-config");
        Files.writeString(config, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
                + "    server: " + server + "\n    insecure-skip-tls-verify: true\n"
                + "users:\n- name: exec\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                + "      command: ./get-token.sh\n      interactiveMode: Never\n"
                + "contexts:\n- name: exec\n  context: {cluster: c, user: exec, namespace: pi-other}\n"
                + "current-context: exec\n");

        Result exec = run("", List.of("KUBECONFIG=" + config), "kubectl", "pi", "get", "api");
        Result token = run("", List.of(), "kubectl", "pi", "get", "-n", "pi-other", "api", "--server", server,
                "--token", "pi-it-token", "--insecure-skip-tls-verify", "--kubeconfig", config.toString());
        Result badToken = run("", List.of(), "kubectl", "pi", "get", "-n", "pi-other", "api", "--server", server,
                "--token", "wrong", "--insecure-skip-tls-verify", "--kubeconfig", config.toString());

        assertThat(exec.exit()).as(exec.err()).isZero();
        assertThat(exec.out()).contains("api\t\tdave");
        assertThat(token.exit()).as(token.err()).isZero();
        assertThat(token.out()).contains("api\t\tdave");
        assertThat(badToken.exit()).isEqualTo(1);
        assertThat(badToken.err()).isEqualTo("Error: You must be logged in to the server (Unauthorized)\n");
    }

    @Test
    @Order(13)
    void theServersCertificateIsVerified() throws Exception {
        // The kube-api-test certificate is issued for 127.0.0.1 and a few kubernetes names, not for "localhost".
        Result r = run("", List.of(), "kubectl", "pi", "get", "web-0", "--server", server.replace("127.0.0.1", "localhost"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: Unable to connect to the server: tls: ");
    }

    @Test
    @Order(14)
    void theControllersKeyPrefixIsReadFromItsVariableOrTheFlag() throws Exception {
        String manifests = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: pi-prefix\n---\n"
                + pod("pi-prefix", "custom", "erin", null, null, "2021-10-16 18:16:44 +0000 UTC")
                        .replace("box.com/", "kec.example.org/");
        Result applied = run(manifests, List.of(), "kubectl", "apply", "-f", "-");
        assertThat(applied.exit()).as(applied.err()).isZero();

        Result got = run("", List.of("KEC_KEY_PREFIX=kec.example.org/"), "kubectl", "pi", "get", "custom", "-n",
                "pi-prefix");
        assertThat(got.exit()).as(got.err()).isZero();
        assertThat(got.out()).isEqualTo(HEADER
                + "custom		erin		10m0s							2021-10-16 18:16:44 +0000 UTC\n");

        Result extended = run("", List.of(), "kubectl", "pi", "extend", "custom", "-n", "pi-prefix", "-d", "2h",
                "--key-prefix", "kec.example.org/");
        assertThat(extended.exit()).as(extended.err()).isZero();
        Result written = run("", List.of(), "kubectl", "get", "pod", "custom", "-n", "pi-prefix", "-o",
                "jsonpath={.metadata.annotations}");
        assertThat(Json.parseObject(written.out())).containsEntry("kec.example.org/podExtendedDuration", "2h0m0s")
                .doesNotContainKey("box.com/podExtendedDuration");
    }

    /** The kube-api-test kubeconfig with a second context, "other", on namespace pi-other. */
    private static String contexts(String yaml) {
        String ca = field(yaml, "certificate-authority");
        String cert = field(yaml, "client-certificate");
        String key = field(yaml, "client-key");
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: it\n  cluster:\n    server: " + server + "\n"
                + "    certificate-authority: " + ca + "\n"
                + "users:\n- name: it\n  user:\n    client-certificate: " + cert + "\n    client-key: " + key + "\n"
                + "contexts:\n"
                + "- name: main\n  context:\n    cluster: it\n    user: it\n    namespace: pi-it\n"
                + "- name: other\n  context:\n    cluster: it\n    user: it\n    namespace: pi-other\n"
                + "current-context: main\n";
    }

    private static String field(String yaml, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ": (\\S+)").matcher(yaml);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }

    private static String annotation(String pod, String key) throws Exception {
        Result r = run("", List.of(), "kubectl", "get", "pod", pod, "-n", "pi-it", "-o",
                "jsonpath={.metadata.annotations.box\\.com/" + key + "}");
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    @Order(30)
    void aLabelSelectorAndNoHeadersWorkAsInKubectl() throws Exception {
        Result plain = run("", List.of(), "kubectl", "pi", "get", "-l", "app=plain", "--no-headers");
        Result notPlain = run("", List.of(), "kubectl", "pi", "get", "--selector", "app notin (plain)", "-o", "name");

        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo("db\t\t\t\t\t\n");
        assertThat(notPlain.exit()).as(notPlain.err()).isZero();
        assertThat(notPlain.out()).isEqualTo("pod/prompted\npod/web-0\npod/web-1\n");
    }

    @Test
    @Order(31)
    void jsonpathAndCustomColumnsReadTheJsonForm() throws Exception {
        Result path = run("", List.of(), "kubectl", "pi", "get", "web-0", "web-1",
                "-o", "jsonpath={range .items[*]}{.name}={.interactor}{\"\\n\"}{end}");
        Result columns = run("", List.of(), "kubectl", "pi", "get", "-n", "pi-other",
                "-o", "custom-columns=POD:.name,LAST-USER:.interactions[2].user,KINDS:.interactions[*].kind");
        Result refused = run("", List.of(), "kubectl", "pi", "get", "-o", "go-template={{.name}}");

        assertThat(path.exit()).as(path.err()).isZero();
        assertThat(path.out()).isEqualTo("web-0=alice\nweb-1=bob\n");
        assertThat(columns.exit()).as(columns.err()).isZero();
        assertThat(columns.out()).isEqualTo("POD   LAST-USER                      KINDS\n"
                + "api   system:serviceaccount:ci:bot   exec,cp,portforward\n");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Error: unable to match a printer suitable for the output format");
    }

    @Test
    @Order(32)
    void watchPrintsEachChangeAsItHappensUntilCtrlC() throws Exception {
        // Ctrl-C reaches a terminal's foreground process. A test started from a background job (`make test &`, a CI
        // runner) inherits SIGINT ignored, as POSIX shells start asynchronous commands, and the JVM then keeps it
        // ignored, as kubectl does: env gives the plugin the default disposition a terminal would.
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT", "kubectl", "pi", "get", "-w", "-l",
                "app=watched", "--no-headers", "-o", "custom-columns=POD:.name,USER:.interactor")
                .directory(dir.toFile());
        Path bin = Path.of(System.getProperty("kubectl.pi.launcher", "../bin/kubectl-pi")).toAbsolutePath().getParent();
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        Process watch = pb.start();
        java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> err = read(watch.getErrorStream());
        try {
            String watched = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: watched\n  namespace: pi-it\n"
                    + "  labels:\n    app: watched\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
            assertThat(run(watched, List.of(), "kubectl", "apply", "-f", "-").exit()).isZero();
            assertThat(lines.readLine()).as("the new pod, as it is created").isEqualTo("watched   <none>");
            assertThat(run("", List.of(), "kubectl", "label", "pod", "watched", "box.com/podInteractorUsername=eve")
                    .exit()).isZero();
            assertThat(lines.readLine()).as("its change").isEqualTo("watched   eve");
        } finally {
            // Ctrl-C: env has exec'd kubectl, kubectl the plugin, its launcher the JVM, so the pid is the JVM's.
            new ProcessBuilder("kill", "-INT", Long.toString(watch.pid())).start().waitFor();
            assertThat(watch.waitFor(30, TimeUnit.SECONDS)).as("ended by SIGINT").isTrue();
        }
        assertThat(watch.exitValue()).as(err.join()).isEqualTo(130);
    }

    @Test
    @Order(33)
    void kubectlCompletesThePluginsCommandsFlagsNamespacesAndPods() throws Exception {
        Result commands = run("", List.of(), "kubectl", "__complete", "pi", "");
        Result flags = run("", List.of(), "kubectl", "__complete", "pi", "get", "--sel");
        Result namespaces = run("", List.of(), "kubectl", "__complete", "pi", "get", "-n", "pi-o");
        Result pods = run("", List.of(), "kubectl", "__complete", "pi", "extend", "-n", "pi-it", "web");

        assertThat(commands.out()).isEqualTo("get\nextend\ncompletion\n:4\n");
        assertThat(flags.out()).isEqualTo("--selector\n:4\n");
        assertThat(namespaces.out()).as(namespaces.err()).isEqualTo("pi-other\n:4\n");
        assertThat(pods.out()).isEqualTo("web-0\nweb-1\n:4\n");
        assertThat(pods.err()).as("kubectl found the completion executable next to the plugin")
                .contains("kubectl_complete-pi");
    }

    record Result(int exit, String out, String err) {
    }

    /** Runs a command with bin/ first on the PATH and KUBECONFIG pointing at the test cluster. */
    static Result run(String stdin, List<String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Path bin = Path.of(System.getProperty("kubectl.pi.launcher", "../bin/kubectl-pi")).toAbsolutePath().getParent();
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        for (String e : env) {
            pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        Process p = pb.start();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished: " + String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
