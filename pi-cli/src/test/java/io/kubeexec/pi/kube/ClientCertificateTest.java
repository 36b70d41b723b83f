package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubeconfig's client certificate is presented whatever CAs the server names in its request, as client-go
 * presents it (the JDK's own key managers would send none when the list lacks the certificate's issuer, and the
 * server would then take the user for an anonymous one instead of refusing the certificate).
 */
class ClientCertificateTest {

    @TempDir
    Path dir;

    @Test
    void theClientCertificateIsSentEvenWhenTheServerNamesAnotherCa() throws Exception {
        TestCertificates certificates = new TestCertificates(dir);
        certificates.server("server", "leaf", "IP:127.0.0.1");
        certificates.server("client", "alice", null);
        X509Certificate otherCa = Pem.certificates(PemTest.read("ec.crt"), "another CA").get(0); // CN=ec-test
        ClientConfig config = new ClientConfig(URI.create("https://127.0.0.1"), "default", false, null,
                certificates.ca(), false, null, null, null, null, null, null, null, null, null, null, null, null,
                List.of(), Map.of(), Duration.ofSeconds(10));
        SSLContext client = Tls.context(config, Files.readAllBytes(dir.resolve("client.crt")),
                Files.readAllBytes(dir.resolve("client.key")));

        SSLContext server = SSLContext.getInstance("TLS");
        server.init(certificates.keyManagers("server"), new TrustManager[] {namingOnly(otherCa)}, null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setWantClientAuth(true);
            CompletableFuture<Certificate[]> presented = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(10_000);
                    accepted.startHandshake();
                    return accepted.getSession().getPeerCertificates();
                } catch (Exception e) {
                    return new Certificate[0];
                }
            });
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    SSLSocket tls = Tls.socket(client.getSocketFactory(), raw, "127.0.0.1", listener.getLocalPort())) {
                tls.setSoTimeout(10_000);
                tls.startHandshake();
                tls.getInputStream().read(); // until the server, done with the handshake, hangs up
            } catch (IOException closedByTheServer) {
                // the server hung up after the handshake
            }

            assertThat(presented.get(10, TimeUnit.SECONDS)).as("the certificates the server saw")
                    .containsExactly(certificates.certificate("client"));
        }
    }

    /** A server trust manager that names {@code ca} in its certificate request and accepts any client. */
    private static X509TrustManager namingOnly(X509Certificate ca) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[] {ca};
            }
        };
    }
}
