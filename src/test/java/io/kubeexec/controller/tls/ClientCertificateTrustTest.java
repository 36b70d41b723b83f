package io.kubeexec.controller.tls;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** -client-ca-path: which client certificates the webhook port accepts, and a CA rotated in place. */
class ClientCertificateTrustTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void certificates() throws Exception {
        Openssl openssl = new Openssl(dir);
        openssl.certificateAuthority("first-ca", "first-ca.crt", "first-ca.key");
        openssl.certificateAuthority("second-ca", "second-ca.crt", "second-ca.key");
        openssl.clientCertificate("first-ca.crt", "first-ca.key", "kube-apiserver", "first-client.crt", "first-client.key");
        openssl.clientCertificate("second-ca.crt", "second-ca.key", "kube-apiserver", "second-client.crt",
                "second-client.key");
        openssl.certificateAuthority("self-made", "self-made.crt", "self-made.key");
        install("first-ca.crt");
    }

    @Test
    void aClientCertificateSignedByTheCaIsTrustedAndAnyOtherIsNot() throws Exception {
        ClientCertificateTrust trust = new ClientCertificateTrust(dir.resolve("client-ca.crt"), clock);

        assertThatCode(() -> trust.checkClientTrusted(chain("first-client.crt"), "UNKNOWN")).doesNotThrowAnyException();
        assertThatThrownBy(() -> trust.checkClientTrusted(chain("second-client.crt"), "UNKNOWN"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> trust.checkClientTrusted(chain("self-made.crt"), "UNKNOWN"))
                .as("a self-signed certificate with the same subject as nothing trusted")
                .isInstanceOf(CertificateException.class);
        assertThat(trust.getAcceptedIssuers()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=first-ca");
    }

    @Test
    void aRotatedCaIsUsedWithoutARestartAndTheOldOneStopsBeingTrusted() throws Exception {
        ClientCertificateTrust trust = new ClientCertificateTrust(dir.resolve("client-ca.crt"), clock);

        install("second-ca.crt");
        clock.advance(Duration.ofSeconds(11)); // files are checked every 10 s at most

        assertThatCode(() -> trust.checkClientTrusted(chain("second-client.crt"), "UNKNOWN")).doesNotThrowAnyException();
        assertThatThrownBy(() -> trust.checkClientTrusted(chain("first-client.crt"), "UNKNOWN"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void aBundleOfTwoCasTrustsBoth() throws Exception {
        Files.writeString(dir.resolve("client-ca.crt"), Files.readString(dir.resolve("first-ca.crt"))
                + Files.readString(dir.resolve("second-ca.crt")));
        ClientCertificateTrust trust = new ClientCertificateTrust(dir.resolve("client-ca.crt"), clock);

        assertThatCode(() -> trust.checkClientTrusted(chain("first-client.crt"), "UNKNOWN")).doesNotThrowAnyException();
        assertThatCode(() -> trust.checkClientTrusted(chain("second-client.crt"), "UNKNOWN")).doesNotThrowAnyException();
    }

    @Test
    void aHalfWrittenCaFileKeepsThePreviousCas() throws Exception {
        ClientCertificateTrust trust = new ClientCertificateTrust(dir.resolve("client-ca.crt"), clock);

        Files.writeString(dir.resolve("client-ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB");
        clock.advance(Duration.ofSeconds(11));

        assertThatCode(() -> trust.checkClientTrusted(chain("first-client.crt"), "UNKNOWN")).doesNotThrowAnyException();
    }

    @Test
    void aFileWithoutACertificateIsRefusedNamingIt() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");

        assertThatThrownBy(() -> new ClientCertificateTrust(empty, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + " holds no PEM certificate");
    }

    @Test
    void itNeverVouchesForAServer() throws Exception {
        ClientCertificateTrust trust = new ClientCertificateTrust(dir.resolve("client-ca.crt"), clock);

        assertThatThrownBy(() -> trust.checkServerTrusted(chain("first-client.crt"), "EC"))
                .isInstanceOf(CertificateException.class);
    }

    private void install(String ca) throws IOException {
        Files.copy(dir.resolve(ca), dir.resolve("client-ca.crt"), StandardCopyOption.REPLACE_EXISTING);
    }

    private X509Certificate[] chain(String file) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            return new X509Certificate[] {(X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)};
        }
    }
}
