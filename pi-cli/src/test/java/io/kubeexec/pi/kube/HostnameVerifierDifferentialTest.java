package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plugin's host-name check against the JDK's own HTTPS endpoint identification, over certificates openssl makes
 * here and real TLS handshakes on loopback. For each certificate and host name the table says what Go's
 * crypto/x509 (what kubectl does, and {@link HostnameVerifier} imitates) decides and what the JDK decides; where
 * they differ, it says why, and the difference is always the JDK accepting what Go refuses. Both sides are run: a
 * change in either shows up here.
 */
class HostnameVerifierDifferentialTest {

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

    @ParameterizedTest(name = "{0} for {1}: Go {2}, JDK {3} {4}")
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
            ipv6             | [::1]                 | true  | true  | -
            ipv6             | 0:0:0:0:0:0:0:1       | true  | true  | -
            ipv6             | FD00:0:0:0:0:0:0:1    | true  | true  | -
            ipv6             | ::2                   | false | false | -
            idn              | xn--bcher-kva.example | true  | true  | -
            idn              | bücher.example        | false | true  | the JDK turns a Unicode name into its punycode; Go compares the name as given
            cn-only          | api.example.com       | false | true  | the JDK falls back to the subject's CN without DNS SANs; Go ignores the CN
            cn-and-san       | api.example.com       | false | false | -
            trailing-dot-san | api.example.com       | false | false | -
            """)
    void theVerifierDecidesAsGoAndDiffersFromTheJdkOnlyWhereExplained(String certificate, String host,
            boolean go, boolean jdk, String whyTheyDiffer) throws Exception {
        X509Certificate leaf = certificates.certificate(certificate);

        assertThat(ours(host, leaf)).as("HostnameVerifier, as Go").isEqualTo(go);
        assertThat(jdkHandshake(certificate, host)).as("the JDK's HTTPS endpoint identification").isEqualTo(jdk);
        assertThat(whyTheyDiffer == null).as("a difference from the JDK is explained, and only a difference is")
                .isEqualTo(go == jdk);
        assertThat(!go || jdk).as("what Go accepts, the JDK accepts too: the plugin is never the looser").isTrue();
    }

    private static boolean ours(String host, X509Certificate leaf) {
        try {
            HostnameVerifier.verify(host, leaf);
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    /**
     * A TLS handshake on loopback, the client asking the JDK to identify {@code host} (HTTPS rules) in a certificate
     * its chain leads to the test CA: true if the handshake completes.
     */
    private static boolean jdkHandshake(String certificate, String host) throws Exception {
        SSLContext server = certificates.serverContext(certificate);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", Pem.certificates(Files.readAllBytes(certificates.ca()), "ca").get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);

        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(10_000);
                    accepted.startHandshake();
                } catch (IOException e) {
                    // the client gave up on the certificate: that is the client's answer, read below
                }
            });
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(raw, host,
                            listener.getLocalPort(), true)) {
                tls.setSoTimeout(10_000);
                SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                tls.startHandshake();
                return true;
            } catch (SSLException e) {
                return false;
            } finally {
                served.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
