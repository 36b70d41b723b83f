package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.support.Reviews;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A PodDisruptionBudget on a real kube-apiserver v1.20.2. No controller-manager runs, so no disruption controller
 * keeps the budget's status: the test writes it through the status subresource, as that controller would, with
 * observedGeneration caught up (a lagging one blocks every eviction). The pod's status is written the same way,
 * Running and Ready, as a kubelet would: 1.20's eviction handler evicts a Pending pod, or an unready one while the
 * budget is met, without applying the budget at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DisruptionBudgetIT {

    private static final String NS = "pdb";

    private RealApiServer apiServer;
    private KubernetesClient kube;
    private ControllerProcess controller;

    @BeforeAll
    void start() throws Exception {
        apiServer = RealApiServer.start();
        kube = apiServer.kube();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        controller = ControllerProcess.start("pdb-controller", apiServer.kubeconfig(), "-ttl-seconds", "600",
                "-scan-interval", "1s", "-shutdown-delay", "0s").awaitReady();
    }

    @AfterAll
    void stop() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @Test
    void aPodProtectedByADisruptionBudgetIsRetriedWithBackoffAndEvictedOnceTheBudgetAllows() throws Exception {
        kube.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName("guarded").addToLabels("app", "guarded")
                .addToAnnotations("box.com/podTTL", "2s")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("guarded-rs")
                .withUid("4b7e4a4e-0000-4000-8000-000000000003").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("busybox").endContainer().endSpec()
                .build()).create();
        // As a kubelet would report it: Running and Ready.
        kube.pods().inNamespace(NS).withName("guarded").editStatus(p -> new PodBuilder(p).editOrNewStatus()
                .withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build());
        PodDisruptionBudget budget = kube.policy().v1beta1().podDisruptionBudget().inNamespace(NS)
                .resource(new PodDisruptionBudgetBuilder().withNewMetadata().withName("guarded").endMetadata()
                        .withNewSpec().withNewMinAvailable(1).withNewSelector().addToMatchLabels("app", "guarded")
                        .endSelector().endSpec().build()).create();
        disruptionsAllowed(budget, 0);

        assertThat(controller.post("/admit-pod-interaction", Reviews.exec(NS, "guarded", "alice")).body())
                .contains("\"allowed\":true");

        // Due after 2 s, blocked: announced once, retried on later scans with a growing wait.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(controller.log())
                .contains("pod=" + NS + "/guarded: eviction blocked by a PodDisruptionBudget, retry #3"));
        assertThat(kube.pods().inNamespace(NS).withName("guarded").get()).as("the guarded pod").isNotNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events()).filteredOn(m -> m.startsWith(
                "Pod eviction is blocked by a PodDisruptionBudget; it will be retried: ")).hasSize(1));

        disruptionsAllowed(kube.policy().v1beta1().podDisruptionBudget().inNamespace(NS).withName("guarded").get(),
                1);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> kube.pods().inNamespace(NS).withName("guarded").get() == null);
        assertThat(controller.log()).containsPattern("pod=" + NS + "/guarded user=alice: evicted");
    }

    /** What the disruption controller would write: one healthy pod of one expected, and this many disruptions. */
    private void disruptionsAllowed(PodDisruptionBudget budget, int allowed) {
        kube.policy().v1beta1().podDisruptionBudget().inNamespace(NS).withName("guarded").editStatus(b ->
                new PodDisruptionBudgetBuilder(b).withStatus(new PodDisruptionBudgetStatusBuilder()
                        .withObservedGeneration(budget.getMetadata().getGeneration())
                        .withDisruptionsAllowed(allowed).withCurrentHealthy(1).withDesiredHealthy(1)
                        .withExpectedPods(1).build()).build());
    }

    private List<String> events() {
        return kube.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "guarded".equals(e.getInvolvedObject().getName())).map(Event::getMessage).toList();
    }
}
