package io.kubeexec.controller.tls;

import io.kubeexec.controller.tls.CertificateIssuer.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The self-managed CA and serving certificate: what Java, openssl and (in the e2e tier) the API server accept. */
class CertificateIssuerTest {

    private static final List<String> NAMES = List.of("kube-exec-controller", "kube-exec-controller.kec",
            "kube-exec-controller.kec.svc", "kube-exec-controller.kec.svc.cluster.local");
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private final CertificateIssuer issuer = new CertificateIssuer();

    @Test
    void theCaIsSelfSignedMaySignServingCertificatesOnlyAndLastsTenYears() throws Exception {
        Issued ca = issuer.certificateAuthority("kube-exec-controller CA", NOW, Duration.ofDays(3650));
        X509Certificate certificate = CertificateIssuer.certificate(ca.certificatePem());

        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getBasicConstraints()).as("CA with path length 0").isZero();
        assertThat(certificate.getKeyUsage()).startsWith(true, false, false, false, false, true, true);
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=kube-exec-controller CA");
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(certificate.getNotBefore().toInstant()).as("an hour of clock skew").isEqualTo(NOW.minusSeconds(3600));
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void theServingCertificateNamesTheServiceAndChainsToTheCa() throws Exception {
        Issued ca = issuer.certificateAuthority("kube-exec-controller CA", NOW, Duration.ofDays(3650));
        Issued serving = issuer.serving(ca, NAMES, NOW, Duration.ofDays(365));
        X509Certificate certificate = CertificateIssuer.certificate(serving.certificatePem());

        assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
                .containsExactlyElementsOf(List.copyOf(NAMES));
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=kube-exec-controller");
        assertThat(certificate.getIssuerX500Principal().getName()).isEqualTo("CN=kube-exec-controller CA");
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));

        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(
                CertificateIssuer.certificate(ca.certificatePem()), null)));
        pkix.setRevocationEnabled(false);
        pkix.setDate(Date.from(NOW));
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(certificate)), pkix);
    }

    @Test
    void theKeyPairLoadsAsTheListenersKeyStore() {
        Issued ca = issuer.certificateAuthority("kube-exec-controller CA", NOW, Duration.ofDays(3650));
        Issued serving = issuer.serving(ca, NAMES, NOW, Duration.ofDays(365));

        assertThat(PemKeyStore.fromPem(serving.certificatePem(), serving.keyPem(), "cert", "key")).isNotNull();
        assertThatThrownBy(() -> PemKeyStore.fromPem(serving.certificatePem(), ca.keyPem(), "cert", "key"))
                .hasMessageContaining("is not for the private key");
    }

    @Test
    void opensslVerifiesItStrictlyForTheServiceName(@TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        Issued ca = issuer.certificateAuthority("kube-exec-controller CA", now, Duration.ofDays(3650));
        Issued serving = issuer.serving(ca, NAMES, now, Duration.ofDays(365));
        Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        Files.writeString(dir.resolve("tls.crt"), serving.certificatePem());

        new Openssl(dir).run("verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname",
                "kube-exec-controller.kec.svc", "-CAfile", "ca.crt", "tls.crt");
        new Openssl(dir).run("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "ca.crt", "tls.crt");
    }

    @Test
    void datesFrom2050AreGeneralizedTime() {
        Instant later = Instant.parse("2049-06-01T00:00:00Z");
        Issued ca = issuer.certificateAuthority("kube-exec-controller CA", later, Duration.ofDays(3650));

        assertThat(CertificateIssuer.certificate(ca.certificatePem()).getNotAfter().toInstant())
                .isEqualTo(later.plus(Duration.ofDays(3650)));
    }

    @Test
    void twoCasAreTwoKeysAndTwoSerials() {
        X509Certificate one = CertificateIssuer.certificate(
                issuer.certificateAuthority("a", NOW, Duration.ofDays(1)).certificatePem());
        X509Certificate two = CertificateIssuer.certificate(
                issuer.certificateAuthority("a", NOW, Duration.ofDays(1)).certificatePem());

        assertThat(one.getPublicKey()).isNotEqualTo(two.getPublicKey());
        assertThat(one.getSerialNumber()).isNotEqualTo(two.getSerialNumber()).isPositive();
    }
}
