package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code -evict-bare-pods=false} through the real YAML routes: a due pod without an owner is announced and kept. */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BarePodsKeptFlowTest {

    private static final String NS = "kept";
    private static final String EVICTED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}";
    private TestController controller;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("scan-interval", "200ms", "evict-bare-pods", "false"));
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void aDueBarePodIsAnnouncedOnceAndKeptWhileADueOwnedPodIsEvicted() throws InterruptedException {
        List<String> bare = controller.expectEvictions(NS, "bare", 201, EVICTED);
        List<String> owned = controller.expectEvictions(NS, "owned", 201, EVICTED);
        createDuePod("bare", false);
        createDuePod("owned", true);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(owned).isNotEmpty());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(controller.eventNotes(NS, "bare"))
                .containsExactly("Pod eviction was skipped by policy: the pod has no owner to recreate it "
                        + "(-evict-bare-pods=false)"));
        Thread.sleep(1000); // several more scans at 200ms: still not evicted, still announced once
        assertThat(bare).isEmpty();
        assertThat(controller.eventNotes(NS, "bare")).hasSize(1);
    }

    private void createDuePod(String name, boolean owned) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("box.com/podInitialInteractionTimestamp",
                        Long.toString(Instant.now().minusSeconds(120).getEpochSecond()))
                .addToLabels("box.com/podInteractorUsername", "alice")
                .addToLabels("box.com/podTTLDuration", "1m0s")
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec();
        if (owned) {
            pod.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                    .withName("web-rs").withUid("rs-uid").withController(true).endOwnerReference().endMetadata();
        }
        controller.kube().pods().inNamespace(NS).resource(pod.build()).create();
    }
}
