package io.kubeexec.controller.tls;

import io.kubeexec.controller.support.TrustAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificate rotation as cert-manager does it: the files change in place and new TLS handshakes present the new
 * certificate, without a restart; a half-written pair keeps the previous one.
 */
class ReloadingKeyManagerTest {

    @TempDir
    Path dir;
    private Openssl openssl;
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void keyPairs() throws Exception {
        openssl = new Openssl(dir);
        openssl.selfSigned("first.test", "first.crt", "first.key");
        openssl.selfSigned("second.test", "second.crt", "second.key");
        install("first");
    }

    @Test
    void aRotatedPairIsServedOnNewHandshakesWithoutARestart() throws Exception {
        ReloadingKeyManager keys = new ReloadingKeyManager(dir.resolve("tls.crt"), dir.resolve("tls.key"), clock);
        assertThat(handshake(keys)).isEqualTo("CN=first.test");

        install("second");
        clock.advance(Duration.ofSeconds(11)); // files are checked every 10 s at most

        assertThat(handshake(keys)).isEqualTo("CN=second.test");
    }

    @Test
    void aHalfWrittenPairKeepsThePreviousCertificate() throws Exception {
        ReloadingKeyManager keys = new ReloadingKeyManager(dir.resolve("tls.crt"), dir.resolve("tls.key"), clock);

        // The new certificate has arrived, its key not yet: the two do not match.
        Files.copy(dir.resolve("second.crt"), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        clock.advance(Duration.ofSeconds(11));
        assertThat(handshake(keys)).isEqualTo("CN=first.test");

        Files.copy(dir.resolve("second.key"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        clock.advance(Duration.ofSeconds(11));
        assertThat(handshake(keys)).isEqualTo("CN=second.test");
    }

    @Test
    void unchangedFilesAreNotReadAgainWithinTheCheckInterval() throws Exception {
        ReloadingKeyManager keys = new ReloadingKeyManager(dir.resolve("tls.crt"), dir.resolve("tls.key"), clock);

        install("second");
        clock.advance(Duration.ofSeconds(5));

        assertThat(handshake(keys)).isEqualTo("CN=first.test");
    }

    private void install(String name) throws IOException {
        Files.copy(dir.resolve(name + ".crt"), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve(name + ".key"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A real TLS 1.3 handshake on loopback; returns the subject of the certificate the server presented. */
    private static String handshake(ReloadingKeyManager keys) throws Exception {
        SSLContext server = SSLContext.getInstance("TLSv1.3");
        server.init(new KeyManager[] {keys}, null, null);
        SSLContext client = SSLContext.getInstance("TLSv1.3");
        client.init(null, new TrustManager[] {new TrustAll()}, null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    socket.getOutputStream().write(1);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.startHandshake();
                assertThat(socket.getInputStream().read()).isEqualTo(1);
                accepted.join();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                        .getName();
            }
        }
    }
}
