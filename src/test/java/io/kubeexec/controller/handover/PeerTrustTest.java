package io.kubeexec.controller.handover;

import io.kubeexec.controller.tls.CertificateIssuer;
import io.kubeexec.controller.tls.CertificateIssuer.Issued;
import org.junit.jupiter.api.Test;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With self-managed certificates, a peer is trusted by the CAs the Secret holds, the rotating ones included. */
class PeerTrustTest {

    private static final List<String> NAMES = List.of("kube-exec-controller");
    private final CertificateIssuer issuer = new CertificateIssuer();
    private final Instant now = Instant.now();

    @Test
    void aPeerServingACertificateFromAnyCaOfTheSecretIsTrustedAndAnotherIsNot() {
        Issued current = issuer.certificateAuthority("current", now, Duration.ofDays(1));
        Issued next = issuer.certificateAuthority("next", now, Duration.ofDays(1));
        Issued stranger = issuer.certificateAuthority("stranger", now, Duration.ofDays(1));
        List<X509Certificate> inSecret = new ArrayList<>(List.of(
                CertificateIssuer.certificate(current.certificatePem()),
                CertificateIssuer.certificate(next.certificatePem())));
        PeerTrust trust = new PeerTrust(() -> inSecret, "the Secret");

        assertThatCode(() -> trust.checkServerTrusted(chain(current), "ECDHE_ECDSA")).doesNotThrowAnyException();
        assertThatCode(() -> trust.checkServerTrusted(chain(next), "ECDHE_ECDSA"))
                .as("a peer that already switched to the next CA").doesNotThrowAnyException();
        assertThatThrownBy(() -> trust.checkServerTrusted(chain(stranger), "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void withNothingReadFromTheSecretYetNoPeerIsTrusted() {
        Issued ca = issuer.certificateAuthority("current", now, Duration.ofDays(1));
        PeerTrust trust = new PeerTrust(List::of, "the Secret");

        assertThatThrownBy(() -> trust.checkServerTrusted(chain(ca), "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class).hasMessageContaining("the Secret");
    }

    private X509Certificate[] chain(Issued ca) {
        return new X509Certificate[] {CertificateIssuer.certificate(
                issuer.serving(ca, NAMES, now, Duration.ofDays(1)).certificatePem())};
    }
}
