package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.net.URI;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The host-name check is the JDK's HTTPS endpoint identification, on the socket {@link Tls#socket} makes for the
 * name: this table proves it decides as the plugin's own verifier did (a port of Go's crypto/x509, what kubectl does,
 * deleted in its favour), and as the JDK's trust manager does when left to itself (the plugin calls the same checker
 * without the trust manager's read of cacerts: {@link Tls.JdkIdentity}). Certificates are made by openssl here, and every row is a real TLS handshake on loopback
 * through the plugin's {@link Tls#context} with the test CA as the kubeconfig's certificate-authority, once for the
 * server's host and once as {@code tls-server-name}. Where Go and the JDK differ, the row says why, and the difference
 * is always the JDK accepting a name that a certificate from the cluster's own CA spells in an unusual way.
 */
class HostnameCheckTest {

    @TempDir
    static Path dir;
    private static TestCertificates certificates;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates(dir);
        certificates.server("dns", "leaf", "DNS:api.example.com");
        certificates.server("wildcard", "leaf", "DNS:*.example.com");
        certificates.server("partial-wildcard", "leaf", "DNS:a*.example.com");
        certificates.server("bare-star", "leaf", "DNS:*");
        certificates.server("ip", "leaf", "IP:10.0.0.1");
        certificates.server("ip-as-dns", "leaf", "DNS:10.0.0.1");
        certificates.server("ipv6", "leaf", "IP:::1,IP:fd00::1");
        certificates.server("idn", "leaf", "DNS:xn--bcher-kva.example");
        certificates.server("cn-only", "api.example.com", null);
        certificates.server("cn-and-san", "api.example.com", "DNS:other.example.com");
        certificates.server("trailing-dot-san", "leaf", "DNS:api.example.com.");
    }

    @ParameterizedTest(name = "{0} for {1}: Go {2}, the plugin {3} {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            dns              | api.example.com       | true  | true  | -
            dns              | API.EXAMPLE.COM       | true  | true  | -
            dns              | other.example.com     | false | false | -
            dns              | api.example.com.      | true  | true  | -
            wildcard         | a.example.com         | true  | true  | -
            wildcard         | a.b.example.com       | false | false | -
            wildcard         | example.com           | false | false | -
            partial-wildcard | abc.example.com       | false | true  | the JDK matches a * inside the leftmost label; Go only a whole-label *
            bare-star        | localhost             | false | false | -
            bare-star        | api.example.com       | false | false | -
            ip               | 10.0.0.1              | true  | true  | -
            ip               | 10.0.0.2              | false | false | -
            ip-as-dns        | 10.0.0.1              | false | false | -
            ipv6             | ::1                   | true  | true  | -
            ipv6             | 0:0:0:0:0:0:0:1       | true  | true  | -
            ipv6             | FD00:0:0:0:0:0:0:1    | true  | true  | -
            ipv6             | ::2                   | false | false | -
            idn              | xn--bcher-kva.example | true  | true  | -
            idn              | bücher.example        | false | true  | the JDK turns a Unicode name into its punycode; Go compares the name as given
            cn-only          | api.example.com       | false | true  | the JDK falls back to the subject's CN without DNS SANs; Go ignores the CN
            cn-and-san       | api.example.com       | false | false | -
            trailing-dot-san | api.example.com       | false | false | -
            """)
    void theJdkDecidesAsGoDidExceptWhereExplained(String certificate, String host, boolean go, boolean plugin,
            String whyTheyDiffer) throws Exception {
        assertThat(handshake(pluginContext(), certificate, host)).as("the plugin's TLS socket for %s", host)
                .isEqualTo(plugin);
        assertThat(handshake(jdkContext(), certificate, host)).as("the JDK's trust manager alone").isEqualTo(plugin);
        assertThat(whyTheyDiffer == null).as("a difference from Go is explained, and only a difference is")
                .isEqualTo(go == plugin);
        assertThat(!go || plugin).as("what kubectl accepts, the plugin accepts too").isTrue();
    }

    @Test
    void aNameTheCertificateDoesNotHoldIsRefusedWithTheJdksReason() {
        assertThatThrownBy(() -> connect(pluginContext(), "dns", "other.example.com"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("No subject alternative DNS name matching other.example.com found");
    }

    @Test
    void tlsServerNameIsTheNameCheckedWhenTheServerIsAnAddress() throws Exception {
        assertThatThrownBy(() -> throughApiClient("dns", "api.example.com"))
                .as("the handshake passes: the test server then hangs up").isInstanceOf(KubeException.class)
                .message().doesNotContain("tls:");
        assertThatThrownBy(() -> throughApiClient("dns", "other.example.com")).isInstanceOf(KubeException.class)
                .hasMessage("Unable to connect to the server: tls: No subject alternative DNS name matching "
                        + "other.example.com found.");
        assertThatThrownBy(() -> throughApiClient("dns", null)).isInstanceOf(KubeException.class)
                .hasMessage("Unable to connect to the server: tls: No subject alternative names matching IP address "
                        + "127.0.0.1 found");
    }

    private static boolean handshake(SSLContext client, String certificate, String name) throws Exception {
        try {
            connect(client, certificate, name);
            return true;
        } catch (SSLException e) {
            return false;
        }
    }

    /** A GET through {@link ApiClient} to a server on 127.0.0.1 that completes the handshake and hangs up. */
    private static void throughApiClient(String certificate, String tlsServerName) throws Exception {
        serve(certificate, port -> {
            ClientConfig config = config(URI.create("https://127.0.0.1:" + port), tlsServerName);
            try (ApiClient client = new ApiClient(config, k -> null, false)) {
                client.getJson("/api/v1/pods", "application/json");
            }
        });
    }

    private static ClientConfig config(URI server, String tlsServerName) {
        return new ClientConfig(server, "default", false, null, certificates.ca(), false, tlsServerName, null, null,
                null, null, null, null, null, null, null, null, null, List.of(), Map.of(), Duration.ofSeconds(10));
    }

    /** The plugin's TLS client: {@link Tls#context} with the test CA as the kubeconfig's certificate-authority. */
    private static SSLContext pluginContext() {
        return Tls.context(config(URI.create("https://127.0.0.1"), null), null, null);
    }

    /** The JDK's PKIX trust manager as it comes, which checks the name itself (and reads its cacerts to do so). */
    private static SSLContext jdkContext() throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", Pem.certificates(Files.readAllBytes(certificates.ca()), "ca").get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return client;
    }

    /** A handshake through {@link Tls#socket}, which asks for the HTTPS identification of {@code name}. */
    private static void connect(SSLContext client, String certificate, String name) throws Exception {
        serve(certificate, port -> {
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port);
                    SSLSocket tls = Tls.socket(client.getSocketFactory(), raw, name, port)) {
                tls.setSoTimeout(10_000);
                tls.startHandshake();
            }
        });
    }

    interface Client {
        void run(int port) throws Exception;
    }

    private static void serve(String certificate, Client client) throws Exception {
        SSLContext serverContext = certificates.serverContext(certificate);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(10_000);
                    accepted.startHandshake();
                } catch (IOException e) {
                    // the client gave up on the certificate: that is the client's answer
                }
            });
            try {
                client.run(listener.getLocalPort());
            } finally {
                served.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
