package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kubeexec.controller.config.Flag;
import io.kubeexec.controller.handover.HandoverPeers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What each overlay adds to the base, and that its parts fit together. */
class OverlaysTest {

    @Nested
    class Base {

        @Test
        void shipsNoCertificateAndNoCaBundleForTheControllerToKeep() {
            Controller controller = Controller.in("base");
            assertThat(controller.manifests().all(Secret.class)).singleElement()
                    .satisfies(secret -> assertThat(secret.getData()).isNullOrEmpty());
            // A caBundle here would overwrite the controller's at every `kubectl apply` of a new release.
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
        void needsNoCertificateMadeBeforehand() {
            assertThat(controller.envValue(Flag.CERTIFICATE_SECRET.envName()))
                    .contains(ControllerInterface.CERTIFICATE_SECRET);
            assertThat(controller.webhooks().getWebhooks())
                    .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
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
            // The peers trust the CAs of the Secret they all serve from (the certificate is also for client auth).
            assertThat(controller.envValue(Flag.CERTIFICATE_SECRET.envName()))
                    .contains(ControllerInterface.CERTIFICATE_SECRET);
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
        void needsNoCertManager() {
            assertThat(controller.manifests().all(CertManager.Certificate.class)).isEmpty();
            assertThat(controller.webhooks().getMetadata().getAnnotations())
                    .doesNotContainKey("cert-manager.io/inject-ca-from");
        }

        @Test
        void pinsAnImageVersion() {
            assertThat(controller.container().getImage()).doesNotEndWith(":latest").doesNotEndWith(":local");
        }
    }
}
