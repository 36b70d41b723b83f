package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.contract.GoTime;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
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

/**
 * The interaction and extension flows through the real YAML routes, against the fabric8 mock API server: the
 * webhook queues, the workers label and annotate the pod, and the Events arrive through camel-kubernetes.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteractionFlowTest {

    private static final String NS = "flows";
    private TestController controller;
    private KubernetesClient kube;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("ttl-seconds", "600", "max-ttl", "2h"));
        kube = controller.kube();
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void theFirstExecLabelsThePodAndAnnouncesEvents1And2() {
        createPod("first-exec");
        long before = Instant.now().getEpochSecond();

        assertThat(controller.post("/admit-pod-interaction", Reviews.exec(NS, "first-exec", "alice@example.com"))
                .body()).contains("\"allowed\":true");

        Pod pod = awaitLabelled("first-exec");
        Map<String, String> labels = pod.getMetadata().getLabels();
        long timestamp = Long.parseLong(labels.get("box.com/podInitialInteractionTimestamp"));
        assertThat(timestamp).isBetween(before, Instant.now().getEpochSecond());
        assertThat(labels).containsEntry("box.com/podInteractorUsername", "alice_example.com")
                .containsEntry("box.com/podTTLDuration", "10m0s")
                .containsEntry("app", "web");
        String evictionTime = GoTime.format(Instant.ofEpochSecond(timestamp + 600));
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("box.com/podTerminationTime", evictionTime);

        List<String> notes = awaitEventNotes("first-exec", 2);
        assertThat(notes).containsExactlyInAnyOrder(
                "Pod was interacted with 'kubectl exec/attach' command by a user 'alice@example.com' initially at time "
                        + GoTime.format(Instant.ofEpochSecond(timestamp)),
                notes.stream().filter(n -> n.startsWith("Pod will be evicted")).findFirst().orElse("missing"));
        assertThat(notes).anySatisfy(n -> assertThat(n)
                .matches("Pod will be evicted at time " + evictionTime.replace("+", "\\+")
                        + " \\(in about (9m5\\ds|10m0s)\\)"));
        Event event = events("first-exec").get(0);
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getReason()).isEqualTo("PodInteraction");
        assertThat(event.getReportingController()).isEqualTo("kube-exec-controller");
        assertThat(event.getReportingInstance()).isNotBlank();
        assertThat(event.getAction()).isEqualTo("Interact");
        // The real API server refuses these on events.k8s.io/v1 (see ControllerE2EIT).
        assertThat(event.getDeprecatedSource()).isNull();
        assertThat(event.getDeprecatedCount()).isNull();
        assertThat(event.getRegarding().getUid()).isEqualTo(pod.getMetadata().getUid());
    }

    @Test
    void aLaterExecIsRecordedButChangesNeitherLabelsNorEvents() {
        createPod("second-exec");
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "second-exec", "alice"));
        Pod first = awaitLabelled("second-exec");
        awaitEventNotes("second-exec", 2);

        controller.post("/admit-pod-interaction", Reviews.exec(NS, "second-exec", "system:serviceaccount:ci:bot"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                kube.pods().inNamespace(NS).withName("second-exec").get().getMetadata().getAnnotations()
                        .get("box.com/podInteractions"))
                .contains("\"user\":\"alice\"").contains("\"user\":\"system:serviceaccount:ci:bot\"")
                .contains("\"kind\":\"exec\""));
        Pod after = kube.pods().inNamespace(NS).withName("second-exec").get();
        assertThat(after.getMetadata().getLabels()).isEqualTo(first.getMetadata().getLabels());
        assertThat(events("second-exec")).hasSize(2);
    }

    @Test
    void anExtensionRecordsTheRequesterAndTheNewTimeAndAnnouncesEvent3() {
        createPod("extended");
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "extended", "alice"));
        Pod labelled = awaitLabelled("extended");
        long timestamp = Long.parseLong(labelled.getMetadata().getLabels().get("box.com/podInitialInteractionTimestamp"));

        assertThat(controller.post("/admit-pod-update", Reviews.extend(labelled, "30m", "bob")).body())
                .contains("\"allowed\":true");

        String newTime = GoTime.format(Instant.ofEpochSecond(timestamp + 600 + 1800));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                kube.pods().inNamespace(NS).withName("extended").get().getMetadata().getAnnotations())
                .containsEntry("box.com/podExtensionRequester", "bob")
                .containsEntry("box.com/podTerminationTime", newTime));
        List<String> notes = awaitEventNotes("extended", 4);
        assertThat(notes).contains("Pod eviction time has been extended by '30m', as requested from user 'bob'. "
                + "New eviction time: " + newTime);
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith("Pod will be evicted at time " + newTime));
    }

    @Test
    void aDryRunExecChangesNothing() {
        createPod("dry-run");
        String review = Reviews.exec(NS, "dry-run", "alice").replace("\"subResource\":\"exec\"",
                "\"subResource\":\"exec\",\"dryRun\":true");
        assertThat(controller.post("/admit-pod-interaction", review).body()).contains("\"allowed\":true");

        // A later real exec on another pod is processed; by then the dry-run one would have been too.
        createPod("after-dry-run");
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "after-dry-run", "alice"));
        awaitLabelled("after-dry-run");
        assertThat(kube.pods().inNamespace(NS).withName("dry-run").get().getMetadata().getLabels())
                .doesNotContainKey("box.com/podInitialInteractionTimestamp");
        assertThat(events("dry-run")).isEmpty();
    }

    @Test
    void anExecOnAPodThatIsGoneIsDroppedWithoutBlockingOthers() {
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "never-existed", "alice"));
        createPod("after-missing");
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "after-missing", "alice"));

        awaitLabelled("after-missing");
        assertThat(kube.pods().inNamespace(NS).withName("never-existed").get()).isNull();
    }

    @Test
    void aTransientApiFailureIsRetriedUntilThePodIsLabelled() {
        createPod("flaky");
        controller.apiServer().expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/flaky")
                .andReturn(503, "{\"kind\":\"Status\",\"code\":503,\"message\":\"etcd is busy\"}").times(2);

        controller.post("/admit-pod-interaction", Reviews.exec(NS, "flaky", "alice"));

        awaitLabelled("flaky");
        awaitEventNotes("flaky", 2);
    }

    // TTL by scope and opt-out: read from the pod and its namespace at the first interaction.

    @Test
    void aPodsTtlAnnotationBecomesItsTtlLabelAndEvictionTime() {
        createPod(NS, "own-ttl", Map.of(), Map.of("box.com/podTTL", "30m"));

        controller.post("/admit-pod-interaction", Reviews.exec(NS, "own-ttl", "alice"));

        Pod pod = awaitLabelled(NS, "own-ttl");
        long timestamp = Long.parseLong(pod.getMetadata().getLabels().get("box.com/podInitialInteractionTimestamp"));
        assertThat(pod.getMetadata().getLabels()).containsEntry("box.com/podTTLDuration", "30m0s");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("box.com/podTerminationTime",
                GoTime.format(Instant.ofEpochSecond(timestamp + 1800)));
    }

    @Test
    void aNamespacesTtlAnnotationAppliesToItsPodsAndAPodsOwnWinsCappedByMaxTtl() {
        createNamespace("long-lived", Map.of(), Map.of("box.com/podTTL", "45m"));
        createPod("long-lived", "from-namespace", Map.of(), Map.of());
        createPod("long-lived", "capped", Map.of(), Map.of("box.com/podTTL", "72h"));

        controller.post("/admit-pod-interaction", Reviews.exec("long-lived", "from-namespace", "alice"));
        controller.post("/admit-pod-interaction", Reviews.exec("long-lived", "capped", "alice"));

        assertThat(awaitLabelled("long-lived", "from-namespace").getMetadata().getLabels())
                .containsEntry("box.com/podTTLDuration", "45m0s");
        assertThat(awaitLabelled("long-lived", "capped").getMetadata().getLabels())
                .containsEntry("box.com/podTTLDuration", "2h0m0s");
    }

    @Test
    void aPodOrNamespaceLabelledTrackingDisabledIsNeverLabelled() {
        createNamespace("untracked", Map.of("box.com/podInteractionTracking", "disabled"), Map.of());
        createPod("untracked", "in-opted-out-namespace", Map.of(), Map.of());
        createPod(NS, "opted-out", Map.of("box.com/podInteractionTracking", "disabled"), Map.of());

        controller.post("/admit-pod-interaction", Reviews.exec("untracked", "in-opted-out-namespace", "alice"));
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "opted-out", "alice"));
        // The queue is worked in order by few workers: once a later pod is labelled, these were handled.
        createPod(NS, "after-opt-outs", Map.of(), Map.of());
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "after-opt-outs", "alice"));
        awaitLabelled(NS, "after-opt-outs");

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(kube.pods().inNamespace("untracked").withName("in-opted-out-namespace").get().getMetadata()
                    .getLabels()).doesNotContainKey("box.com/podInitialInteractionTimestamp");
            assertThat(kube.pods().inNamespace(NS).withName("opted-out").get().getMetadata().getLabels())
                    .doesNotContainKey("box.com/podInitialInteractionTimestamp");
        });
        assertThat(events("opted-out")).isEmpty();
    }

    private void createNamespace(String name, Map<String, String> labels, Map<String, String> annotations) {
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .withAnnotations(annotations).endMetadata().build()).create();
    }

    private void createPod(String name) {
        createPod(NS, name, Map.of(), Map.of());
    }

    private void createPod(String namespace, String name, Map<String, String> labels,
            Map<String, String> annotations) {
        kube.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).addToLabels("app", "web")
                .addToLabels(labels).withAnnotations(annotations)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-rs")
                .withUid("rs-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec()
                .build()).create();
    }

    private Pod awaitLabelled(String name) {
        return awaitLabelled(NS, name);
    }

    private Pod awaitLabelled(String namespace, String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Pod pod = kube.pods().inNamespace(namespace).withName(name).get();
            return pod.getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp");
        });
        return kube.pods().inNamespace(namespace).withName(name).get();
    }

    private List<Event> events(String pod) {
        return kube.events().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> e.getRegarding() != null && pod.equals(e.getRegarding().getName()))
                .toList();
    }

    private List<String> awaitEventNotes(String pod, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).size() >= count);
        return events(pod).stream().map(Event::getNote).toList();
    }
}
