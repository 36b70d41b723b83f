package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.BeanInject;
import org.apache.camel.component.quartz.QuartzComponent;
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

/**
 * The Quartz eviction scan through the real YAML routes. The mock API server cannot evict, so each pod's eviction
 * endpoint answers from expectations; the scan finds the pods by their label in the mock's store.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvictionFlowTest {

    private static final String NS = "evictions";
    private static final String BLOCKED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
            + "\"Cannot evict pod as it would violate the pod's disruption budget.\",\"reason\":\"TooManyRequests\","
            + "\"code\":429}";
    private static final String EVICTED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}";

    private TestController controller;
    private KubernetesClient kube;

    @BeanInject("quartz")
    QuartzComponent quartz;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("scan-interval", "200ms"));
        kube = controller.kube();
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void theScanRunsOnTheSchedulersOnlyWorkerThread() throws Exception {
        assertThat(quartz.getScheduler().getMetaData().getThreadPoolSize()).isEqualTo(1);
        assertThat(quartz.getScheduler().getMetaData().getJobStoreClass().getSimpleName()).isEqualTo("RAMJobStore");
    }

    @Test
    void aPodBlockedByADisruptionBudgetIsAnnouncedAndEvictedOnALaterScan() {
        List<String> bodies = expectEvictions("pdb-blocked", 429, BLOCKED, 201, EVICTED);
        createInteractedPod("pdb-blocked", Instant.now().minusSeconds(120), "1m0s", true);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(notes("pdb-blocked")).contains(
                "Pod eviction is blocked by a PodDisruptionBudget; it will be retried: "
                        + "Cannot evict pod as it would violate the pod's disruption budget."));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(notes("pdb-blocked"))
                .anySatisfy(n -> assertThat(n).startsWith("Pod was evicted because its interaction TTL expired")));
        assertThat(bodies).hasSizeGreaterThanOrEqualTo(2);
        assertThat(notes("pdb-blocked")).filteredOn(n -> n.contains("PodDisruptionBudget")).hasSize(1);
    }

    @Test
    void aPodHeldByADisruptionBudgetCountsAsBlockedUntilItsEvictionGoesThrough() {
        // Four refusals: with backoffs of 0.2, 0.4, 0.8 and 1.6 s the pod stays held for about 3 s.
        expectEvictions("pdb-held", 429, BLOCKED, 429, BLOCKED, 429, BLOCKED, 429, BLOCKED, 201, EVICTED);
        createInteractedPod("pdb-held", Instant.now().minusSeconds(120), "1m0s", true);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(metrics()).contains("kube_exec_controller_eviction_blocked_pods 1"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(notes("pdb-held"))
                .anySatisfy(n -> assertThat(n).startsWith("Pod was evicted because its interaction TTL expired")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(metrics()).contains("kube_exec_controller_eviction_blocked_pods 0"));
        assertThat(metrics()).containsPattern("kube_exec_controller_eviction_scan_last_success_timestamp_seconds 1\\d{9}\n");
    }

    @Test
    void theEvictionCarriesTheUidPreconditionSoARecreatedPodIsNotEvicted() {
        List<String> bodies = expectEvictions("recreated", 409,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409,"
                        + "\"message\":\"Precondition failed: UID in precondition: x, UID in object meta: y\"}");
        String uid = createInteractedPod("recreated", Instant.now().minusSeconds(120), "1m0s", true);

        await().atMost(Duration.ofSeconds(15)).until(() -> !bodies.isEmpty());
        assertThat(bodies.get(0)).contains("\"kind\":\"Eviction\"")
                .contains("\"preconditions\":{\"uid\":\"" + uid + "\"}")
                .contains("\"name\":\"recreated\"");
        assertThat(notes("recreated")).noneMatch(n -> n.startsWith("Pod was evicted"));
    }

    @Test
    void aServerThatOnlyKnowsPolicyV1beta1GetsTheOlderBody() {
        List<String> bodies = expectEvictions("old-api", 400,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"BadRequest\",\"code\":400,"
                        + "\"message\":\"no kind \\\"Eviction\\\" is registered for version \\\"policy/v1\\\"\"}",
                201, EVICTED);
        createInteractedPod("old-api", Instant.now().minusSeconds(120), "1m0s", true);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(notes("old-api"))
                .anySatisfy(n -> assertThat(n).startsWith("Pod was evicted")));
        assertThat(bodies.get(0)).contains("\"apiVersion\":\"policy/v1\"");
        assertThat(bodies.get(1)).contains("\"apiVersion\":\"policy/v1beta1\"");
    }

    @Test
    void aBarePodIsEvictedByDefaultLikeAnyOther() {
        List<String> bodies = expectEvictions("bare", 201, EVICTED);
        createInteractedPod("bare", Instant.now().minusSeconds(120), "1m0s", false);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(notes("bare"))
                .anySatisfy(n -> assertThat(n).startsWith("Pod was evicted because its interaction TTL expired")));
        // The mock keeps an evicted pod, so later scans evict it again; the real API server would delete it.
        assertThat(bodies).isNotEmpty();
        assertThat(notes("bare")).noneMatch(n -> n.startsWith("Pod eviction was skipped"));
    }

    @Test
    void aPodThatIsNotDueIsLeftAlone() throws InterruptedException {
        List<String> bodies = expectEvictions("not-due", 201, EVICTED);
        createInteractedPod("not-due", Instant.now(), "10m0s", true);
        // A pod with an extension that has not run out yet is not due either.
        List<String> extendedBodies = expectEvictions("extended", 201, EVICTED);
        createInteractedPod("extended", Instant.now().minusSeconds(120), "1m0s", true, "1h");

        Thread.sleep(1500); // several scans at 200ms
        assertThat(bodies).isEmpty();
        assertThat(extendedBodies).isEmpty();
        assertThat(notes("not-due")).isEmpty();
    }

    @Test
    void anExtensionTheWebhookNeverSawCannotKeepAPodForever() {
        // Set at creation: the webhook only sees updates. 1000h is capped to -max-extension (24h), junk is ignored.
        List<String> huge = expectEvictions("huge-extension", 201, EVICTED);
        createInteractedPod("huge-extension", Instant.now().minus(Duration.ofHours(25)), "1m0s", true, "1000h");
        List<String> junk = expectEvictions("junk-extension", 201, EVICTED);
        createInteractedPod("junk-extension", Instant.now().minusSeconds(120), "1m0s", true, "forever");

        await().atMost(Duration.ofSeconds(15)).until(() -> !huge.isEmpty() && !junk.isEmpty());
    }

    private List<String> expectEvictions(String pod, Object... replies) {
        return controller.expectEvictions(NS, pod, replies);
    }

    private String createInteractedPod(String name, Instant interaction, String ttl, boolean owned) {
        return createInteractedPod(name, interaction, ttl, owned, null);
    }

    private String createInteractedPod(String name, Instant interaction, String ttl, boolean owned, String extension) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("box.com/podInitialInteractionTimestamp", Long.toString(interaction.getEpochSecond()))
                .addToLabels("box.com/podInteractorUsername", "alice")
                .addToLabels("box.com/podTTLDuration", ttl)
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec();
        if (owned) {
            pod.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                    .withName("web-rs").withUid("rs-uid").withController(true).endOwnerReference().endMetadata();
        }
        if (extension != null) {
            pod.editMetadata().addToAnnotations("box.com/podExtendedDuration", extension).endMetadata();
        }
        return kube.pods().inNamespace(NS).resource(pod.build()).create().getMetadata().getUid();
    }

    private String metrics() {
        return controller.getHealth("/metrics").body();
    }

    private List<String> notes(String pod) {
        return controller.eventNotes(NS, pod);
    }
}
