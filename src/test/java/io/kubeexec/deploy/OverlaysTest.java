package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kubeexec.controller.config.Flag;
import io.kubeexec.controller.handover.HandoverPeers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What each overlay adds to the base, and that its parts fit together. */
class OverlaysTest {

    @Nested
    class Base {

        @Test
        void leavesTlsToAnOverlay() {
            Controller controller = Controller.in("base");
            assertThat(controller.manifests().all(Secret.class)).isEmpty();
            assertThat(controller.webhooks().getWebhooks())
                    .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
        }

        @Test
        void runsOneReplicaWithTheDefaultTtl() {
            Controller controller = Controller.in("base");
            assertThat(controller.deployment().getSpec().getReplicas()).isEqualTo(1);
            assertThat(controller.envValue(Flag.TTL_SECONDS.envName())).contains("600");
        }
    }

    @Nested
    class Demo {

        private final Controller controller = Controller.in("overlays/demo");

        @Test
        void usesAShortTtl() {
            assertThat(Integer.parseInt(controller.envValue(Flag.TTL_SECONDS.envName()).orElseThrow()))
                    .isPositive().isLessThanOrEqualTo(300);
        }

        @Test
        void runsTheImageThatMakeDeployLoads() {
            Container container = controller.container();
            assertThat(container.getImage()).isEqualTo("kube-exec-controller:local");
            assertThat(container.getImagePullPolicy()).as("a loaded image cannot be pulled").isIn("IfNotPresent", "Never");
        }

        @Test
        void mountsTheGeneratedTlsSecret() {
            String name = controller.volume(controller.mountAt(ControllerInterface.TLS_DIR).getName())
                    .getSecret().getSecretName();
            Secret secret = controller.manifests().named(Secret.class, name).orElseThrow();
            assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
            assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        }

        @Test
        void everyWebhookTrustsTheCaThatSignedTheServingCertificate() throws Exception {
            String name = controller.volume(controller.mountAt(ControllerInterface.TLS_DIR).getName())
                    .getSecret().getSecretName();
            Map<String, String> data = controller.manifests().named(Secret.class, name).orElseThrow().getData();
            X509Certificate ca = certificate(data.get("ca.crt"));
            X509Certificate serving = certificate(data.get("tls.crt"));
            serving.verify(ca.getPublicKey());
            assertThat(OverlaysTest.dnsNames(serving))
                    .contains(controller.service().getMetadata().getName() + "."
                            + controller.service().getMetadata().getNamespace() + ".svc");
            for (ValidatingWebhook webhook : controller.webhooks().getWebhooks()) {
                assertThat(certificate(webhook.getClientConfig().getCaBundle())).as(webhook.getName()).isEqualTo(ca);
            }
        }
    }

    @Nested
    class Production {

        private final Controller controller = Controller.in("overlays/production");

        @Test
        void runsTwoReplicasThatElectALeader() {
            assertThat(controller.deployment().getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
            assertThat(controller.envValue(Flag.LEADER_ELECT.envName())).contains("true");
            assertThat(controller.deployment().getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                    .as("a rollout never drops below the replica count").isZero();
        }

        @Test
        void aStoppingReplicaHandsItsWorkToTheReadyOthersThroughAHeadlessService() {
            String peers = controller.envValue(Flag.HANDOVER_PEERS.envName()).orElseThrow();
            Service headless = controller.manifests().named(Service.class, peers)
                    .orElseThrow(() -> new AssertionError("-handover-peers names no Service: " + peers));
            assertThat(HandoverPeers.parse(peers, ControllerInterface.PORT).isEmpty()).isFalse();
            assertThat(headless.getMetadata().getNamespace()).as("resolved as a short name").isEqualTo(
                    controller.namespace());
            assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(headless.getSpec().getPublishNotReadyAddresses()).as("only ready replicas").isNotEqualTo(true);
            assertThat(controller.podLabels()).containsAllEntriesOf(headless.getSpec().getSelector());
            // Presented as a client certificate to the peer, which mutual TLS checks.
            assertThat(certificateWritingTo(ControllerInterface.TLS_SECRET).spec().usages())
                    .contains(CertManager.Usage.CLIENT_AUTH);
            assertThat(headless.getSpec().getPorts()).singleElement().satisfies(port ->
                    assertThat(controller.containerPort(port.getTargetPort())).isEqualTo(ControllerInterface.PORT)
                            .isEqualTo(port.getPort()));
        }

        @Test
        void aDisruptionBudgetKeepsAReplicaServing() {
            PodDisruptionBudget budget = controller.manifests().one(PodDisruptionBudget.class);
            assertThat(budget.getMetadata().getNamespace()).isEqualTo(controller.namespace());
            assertThat(Selectors.matches(budget.getSpec().getSelector(), controller.podLabels())).isTrue();
            assertThat(budget.getSpec().getMinAvailable().getIntVal()).isPositive()
                    .isLessThan(controller.deployment().getSpec().getReplicas());
        }

        @Test
        void spreadsReplicasAcrossNodes() {
            List<WeightedPodAffinityTerm> terms = controller.pod().getAffinity().getPodAntiAffinity()
                    .getPreferredDuringSchedulingIgnoredDuringExecution();
            assertThat(terms).anySatisfy(term -> {
                assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(Selectors.matches(term.getPodAffinityTerm().getLabelSelector(), controller.podLabels()))
                        .isTrue();
            });
        }

        @Test
        void prometheusScrapesTheMetricsPathOverPlainHttpOnTheHealthPort() {
            Map<String, String> annotations = controller.deployment().getSpec().getTemplate().getMetadata()
                    .getAnnotations();
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/scheme", "http")
                    .containsEntry("prometheus.io/path", ControllerInterface.METRICS_PATH)
                    .containsEntry("prometheus.io/port", String.valueOf(ControllerInterface.HEALTH_PORT));
        }

        @Test
        void certManagerIssuesTheMountedSecretAndInjectsItsCa() {
            String mounted = controller.volume(controller.mountAt(ControllerInterface.TLS_DIR).getName())
                    .getSecret().getSecretName();
            CertManager.Certificate certificate = certificateWritingTo(mounted);
            CertManager.Issuer issuer = issuer(certificate.spec().issuerRef().name());
            assertThat(certificate.spec().secretName()).isEqualTo(ControllerInterface.TLS_SECRET);
            assertThat(certificate.metadata().getNamespace()).isEqualTo(controller.namespace());
            assertThat(certificate.spec().dnsNames()).contains(controller.service().getMetadata().getName() + "."
                    + controller.service().getMetadata().getNamespace() + ".svc");
            assertThat(certificate.spec().usages()).contains(CertManager.Usage.SERVER_AUTH);
            assertThat(certificate.spec().issuerRef().name()).isEqualTo(issuer.metadata().getName());
            assertThat(issuer.metadata().getNamespace()).isEqualTo(certificate.metadata().getNamespace());
            assertThat(controller.webhooks().getMetadata().getAnnotations()).containsEntry(
                    "cert-manager.io/inject-ca-from",
                    certificate.metadata().getNamespace() + "/" + certificate.metadata().getName());
            assertThat(controller.manifests().all(Secret.class)).as("cert-manager writes the Secret").isEmpty();
        }

        @Test
        void theServingCertificateComesFromAStableCaSoARenewalNeverChangesTheCaBundle() {
            CertManager.Certificate serving = certificateWritingTo(ControllerInterface.TLS_SECRET);
            CertManager.Issuer caIssuer = issuer(serving.spec().issuerRef().name());
            assertThat(caIssuer.spec().selfSigned()).as("a self-signed leaf changes the CA at every renewal").isNull();
            assertThat(caIssuer.spec().ca()).isNotNull();
            CertManager.Certificate ca = certificateWritingTo(caIssuer.spec().ca().secretName());
            assertThat(ca.spec().isCA()).isTrue();
            assertThat(issuer(ca.spec().issuerRef().name()).spec().selfSigned()).isNotNull();
            assertThat(ca.spec().privateKey().rotationPolicy()).isEqualTo(CertManager.RotationPolicy.Never);
            assertThat(serving.spec().isCA()).isNotEqualTo(Boolean.TRUE);
        }

        private CertManager.Certificate certificateWritingTo(String secret) {
            return controller.manifests().all(CertManager.Certificate.class).stream()
                    .filter(c -> secret.equals(c.spec().secretName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no Certificate writes the Secret " + secret));
        }

        private CertManager.Issuer issuer(String name) {
            return controller.manifests().all(CertManager.Issuer.class).stream()
                    .filter(i -> name.equals(i.metadata().getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no Issuer " + name));
        }

        @Test
        void pinsAnImageVersion() {
            assertThat(controller.container().getImage()).doesNotEndWith(":latest").doesNotEndWith(":local");
        }
    }

    static List<String> dnsNames(X509Certificate certificate) throws Exception {
        return certificate.getSubjectAlternativeNames().stream()
                .filter(san -> Integer.valueOf(2).equals(san.get(0))) // dNSName
                .map(san -> String.valueOf(san.get(1))).toList();
    }

    static X509Certificate certificate(String base64Pem) throws Exception {
        byte[] pem = Base64.getMimeDecoder().decode(base64Pem);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
    }
}
