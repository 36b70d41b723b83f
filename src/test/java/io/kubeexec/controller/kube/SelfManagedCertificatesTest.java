package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubeexec.controller.tls.CertificateIssuer;
import io.kubeexec.controller.tls.SecretKeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One replica's rounds against the fabric8 mock API server, the clock moved by the test: what the Secret and every
 * webhook's caBundle hold after each step of a forced renewal, and the caBundle repaired or left alone.
 */
class SelfManagedCertificatesTest {

    private static final String NS = "kec";
    private static final String SECRET = "kube-exec-controller-certificate";
    private static final String CONFIGURATION = "kube-exec-controller";

    private final MovingClock clock = new MovingClock();
    private final SecretKeyManager served = new SecretKeyManager();
    private KubernetesMockServer server;
    private KubernetesClient client;
    private SelfManagedCertificates certificates;

    @BeforeEach
    void anEmptySecretAndAConfigurationWithoutCaBundle() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        server.init();
        client = server.createClient();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(SECRET)
                .withNamespace(NS).endMetadata().withType("Opaque").build()).create();
        configuration(null);
        certificates = new SelfManagedCertificates(client, NS, SECRET, CONFIGURATION,
                SelfManagedCertificates.dnsNames("kube-exec-controller", NS), Duration.ofSeconds(10), clock, served);
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void theFirstRoundFillsTheSecretServesItAndTrustsItsCaInEveryWebhook() {
        assertThat(certificates.ready()).isFalse();

        certificates.refreshOnce();

        Map<String, String> data = data();
        assertThat(data).containsOnlyKeys("ca.crt", "ca.key", "tls.crt", "tls.key");
        assertThat(served.servedPem()).isEqualTo(data.get("tls.crt"));
        assertThat(bundles()).containsExactly(data.get("ca.crt"), data.get("ca.crt"));
        assertThat(certificates.ready()).isTrue();
        assertThat(certificates.trustedCas()).containsExactly(CertificateIssuer.certificate(data.get("ca.crt")));
    }

    @Test
    void aForcedRenewalTrustsTheNewCaFirstThenServesItsCertificateThenDropsTheOldCa() {
        certificates.refreshOnce();
        Map<String, String> first = data();
        renew("now");

        certificates.refreshOnce();
        Map<String, String> staged = data();
        assertThat(staged.get("tls.crt")).as("still served by the old CA").isEqualTo(first.get("tls.crt"));
        assertThat(bundles()).allSatisfy(bundle -> assertThat(bundle)
                .isEqualTo(first.get("ca.crt") + staged.get("next-ca.crt")));

        clock.advance(Duration.ofSeconds(29));
        certificates.refreshOnce();
        assertThat(data()).as("each step waits three refreshes").isEqualTo(staged);

        clock.advance(Duration.ofSeconds(1));
        certificates.refreshOnce();
        Map<String, String> switched = data();
        assertThat(switched.get("ca.crt")).isEqualTo(staged.get("next-ca.crt"));
        assertThat(switched.get("previous-ca.crt")).isEqualTo(first.get("ca.crt"));
        assertThat(switched).doesNotContainKeys("next-ca.crt", "next-ca.key");
        assertThat(served.servedPem()).isEqualTo(switched.get("tls.crt"));
        assertThat(issuer(switched.get("tls.crt"))).isEqualTo(subject(switched.get("ca.crt")));
        assertThat(bundles()).allSatisfy(bundle -> assertThat(bundle)
                .isEqualTo(switched.get("ca.crt") + first.get("ca.crt")));

        clock.advance(Duration.ofSeconds(30));
        certificates.refreshOnce();
        Map<String, String> done = data();
        assertThat(done).containsOnlyKeys("ca.crt", "ca.key", "tls.crt", "tls.key");
        assertThat(done.get("tls.crt")).isEqualTo(switched.get("tls.crt"));
        assertThat(bundles()).allSatisfy(bundle -> assertThat(bundle).isEqualTo(done.get("ca.crt")));
        assertThat(annotations()).containsEntry("kubeexec.io/certificate-generation", "4")
                .containsEntry("kubeexec.io/certificate-renewed-for", "now");

        clock.advance(Duration.ofDays(1));
        certificates.refreshOnce();
        assertThat(data()).as("the same annotation value asks nothing more").isEqualTo(done);
    }

    @Test
    void aReAppliedConfigurationWithoutCaBundleIsRepairedAtTheNextRound() {
        certificates.refreshOnce();
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION).delete();
        configuration(null);

        certificates.refreshOnce();

        assertThat(bundles()).containsOnly(data().get("ca.crt"));
    }

    @Test
    void aBundleWrittenFromANewerStateOfTheSecretIsLeftAlone() {
        certificates.refreshOnce();
        String uid = client.secrets().inNamespace(NS).withName(SECRET).get().getMetadata().getUid();
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION).delete();
        configuration(Base64.getEncoder().encodeToString("a newer bundle".getBytes(StandardCharsets.US_ASCII)));
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION)
                .edit(c -> new ValidatingWebhookConfigurationBuilder(c).editMetadata()
                        .addToAnnotations("kubeexec.io/ca-bundle-from", uid + "/7").endMetadata().build());

        certificates.refreshOnce();

        assertThat(bundles()).containsOnly("a newer bundle");
    }

    @Test
    void emptiedDataMakesANewCaAtOnce() {
        certificates.refreshOnce();
        String oldCa = data().get("ca.crt");
        client.secrets().inNamespace(NS).withName(SECRET).edit(s -> new SecretBuilder(s).withData(Map.of()).build());

        certificates.refreshOnce();

        assertThat(data().get("ca.crt")).isNotEqualTo(oldCa);
        assertThat(bundles()).containsOnly(data().get("ca.crt"));
        assertThat(served.servedPem()).isEqualTo(data().get("tls.crt"));
    }

    private void configuration(String caBundle) {
        ValidatingWebhookConfiguration configuration = new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(CONFIGURATION).endMetadata()
                .withWebhooks(List.of(webhook("a.kubeexec.io", caBundle), webhook("b.kubeexec.io", caBundle)))
                .build();
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(configuration).create();
    }

    private static ValidatingWebhook webhook(String name, String caBundle) {
        return new ValidatingWebhookBuilder().withName(name).withNewClientConfig()
                .withUrl("https://kube-exec-controller.kec.svc/admit-pod-interaction").withCaBundle(caBundle)
                .endClientConfig().build();
    }

    private void renew(String value) {
        client.secrets().inNamespace(NS).withName(SECRET).edit(s -> new SecretBuilder(s).editMetadata()
                .addToAnnotations(SelfManagedCertificates.RENEW_ANNOTATION, value).endMetadata().build());
    }

    private Map<String, String> data() {
        Map<String, String> decoded = new TreeMap<>();
        Map<String, String> data = client.secrets().inNamespace(NS).withName(SECRET).get().getData();
        if (data != null) {
            data.forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.US_ASCII)));
        }
        return decoded;
    }

    private Map<String, String> annotations() {
        return client.secrets().inNamespace(NS).withName(SECRET).get().getMetadata().getAnnotations();
    }

    private List<String> bundles() {
        return client.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION).get()
                .getWebhooks().stream().map(w -> w.getClientConfig().getCaBundle() == null ? null
                        : new String(Base64.getDecoder().decode(w.getClientConfig().getCaBundle()),
                                StandardCharsets.US_ASCII)).toList();
    }

    private static String issuer(String pem) {
        X509Certificate certificate = CertificateIssuer.certificate(pem);
        return certificate.getIssuerX500Principal().getName();
    }

    private static String subject(String pem) {
        return CertificateIssuer.certificate(pem).getSubjectX500Principal().getName();
    }

    /** Starts now (the certificates are real), and moves when the test says. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
