package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.support.TestPods;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Harmless commands, exempt users and groups, and deny by label, through the real YAML routes against the mock API
 * server. The TTL is 0, so a pod that is labelled is due at the next scan (every 200 ms): one that stays is one that
 * was never made evictable.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteractionPolicyFlowTest {

    private static final String NS = "policies";
    private static final String HARMLESS_EVENT = "Pod was interacted with the harmless command 'ls -l /' by a user "
            + "'alice' at time ";
    private TestController controller;
    private KubernetesClient kube;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("ttl-seconds", "0", "harmless-commands", "ls,cat",
                "exempt-users", "system:serviceaccount:backup:velero", "exempt-groups", "ci"));
        kube = controller.kube();
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void aHarmlessExecIsRecordedAndAnnouncedButThePodIsNeverLabelledNorEvicted() {
        TestPods.create(kube, NS, "harmless-only");
        List<String> evictions = TestPods.expectEviction(controller.apiServer(), NS, "harmless-only");

        String answer = controller.post("/admit-pod-interaction",
                Reviews.exec(NS, "harmless-only", "alice", List.of(), "ls", "-l", "/")).body();

        assertThat(answer).contains("\"allowed\":true");
        await().atMost(Duration.ofSeconds(10)).until(() -> !events(NS, "harmless-only").isEmpty());
        Event event = events(NS, "harmless-only").get(0);
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getNote()).startsWith(HARMLESS_EVENT).endsWith(" (listed by -harmless-commands): it sets no "
                + "TTL and does not make the pod evictable");
        Pod pod = kube.pods().inNamespace(NS).withName("harmless-only").get();
        assertThat(pod.getMetadata().getLabels()).containsOnlyKeys("app");
        assertThat(pod.getMetadata().getAnnotations().get("box.com/podInteractions"))
                .contains("\"kind\":\"exec\"").contains("\"command\":[\"ls\",\"-l\",\"/\"]");
        // Several scans, each of which would evict a labelled pod with a TTL of 0.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(evictions::isEmpty);
        assertThat(events(NS, "harmless-only")).hasSize(1);
    }

    @Test
    void aShellRunningAListedProgramCountsAsUsualAndIsEvicted() {
        TestPods.create(kube, NS, "through-a-shell");
        List<String> evictions = TestPods.expectEviction(controller.apiServer(), NS, "through-a-shell");

        controller.post("/admit-pod-interaction",
                Reviews.exec(NS, "through-a-shell", "alice", List.of(), "sh", "-c", "cat /etc/hostname"));

        assertThat(TestPods.awaitLabels(kube, NS, "through-a-shell")).containsEntry("box.com/podTTLDuration", "0s");
        await().atMost(Duration.ofSeconds(10)).until(() -> !evictions.isEmpty());
    }

    @Test
    void aHarmlessExecAfterAnotherKeepsTheFirstOnesLabelsAndANamespaceAnnotationAddsToTheList() {
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("top-ok")
                .addToAnnotations("box.com/podHarmlessCommands", "top").endMetadata().build()).create();
        kube.pods().inNamespace("top-ok").resource(new PodBuilder().withNewMetadata().withName("watched")
                .withNamespace("top-ok").addToLabels("app", "web").endMetadata().build()).create();

        controller.post("/admit-pod-interaction", Reviews.exec("top-ok", "watched", "alice", List.of(), "top", "-b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("top-ok", "watched").isEmpty());
        assertThat(events("top-ok", "watched").get(0).getNote()).contains("'top -b'")
                .contains("(listed by the namespace annotation box.com/podHarmlessCommands)");
        assertThat(kube.pods().inNamespace("top-ok").withName("watched").get().getMetadata().getLabels())
                .doesNotContainKey("box.com/podInitialInteractionTimestamp");

        // A bare pod (evict-bare-pods is true, so it would be evicted: expect the eviction) then touched for real.
        List<String> evictions = TestPods.expectEviction(controller.apiServer(), "top-ok", "watched");
        controller.post("/admit-pod-interaction", Reviews.exec("top-ok", "watched", "bob", List.of(), "vi", "x"));
        Map<String, String> labels = TestPods.awaitLabels(kube, "top-ok", "watched");
        assertThat(labels).containsEntry("box.com/podInteractorUsername", "bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> !evictions.isEmpty());
        assertThat(kube.pods().inNamespace("top-ok").withName("watched").get().getMetadata().getAnnotations()
                .get("box.com/podInteractions")).contains("\"user\":\"alice\"").contains("\"user\":\"bob\"");
    }

    @Test
    void anExemptUserOrGroupMemberIsAllowedCountedAndNeverRecorded() {
        TestPods.create(kube, NS, "backed-up");

        String byName = controller.post("/admit-pod-interaction", Reviews.exec(NS, "backed-up",
                "system:serviceaccount:backup:velero", List.of("system:serviceaccounts"), "tar", "cf", "-", "/data"))
                .body();
        String byGroup = controller.post("/admit-pod-interaction", Reviews.exec(NS, "backed-up", "carol",
                List.of("ci"), "rm", "-rf", "/tmp/x")).body();

        assertThat(byName).contains("\"allowed\":true");
        assertThat(byGroup).contains("\"allowed\":true");
        String metrics = controller.getHealth("/metrics").body();
        assertThat(metrics).contains("kube_exec_controller_exempt_interactions_total{by=\"user\"} 1")
                .contains("kube_exec_controller_exempt_interactions_total{by=\"group\"} 1");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(kube.pods().inNamespace(NS).withName("backed-up").get().getMetadata().getAnnotations())
                        .isNullOrEmpty());
    }

    @Test
    void aDenyLabelOnTheNamespaceOrThePodDeniesEvenAnExemptUserAndNamesTheLabel() {
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("locked")
                .addToLabels("box.com/podInteractionPolicy", "deny").endMetadata().build()).create();
        TestPods.create(kube, "locked", "vault");
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("sealed").withNamespace(NS)
                .addToLabels(Map.of("app", "web", "box.com/podInteractionPolicy", "deny")).endMetadata().build()).create();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(controller.post(
                "/admit-pod-interaction", Reviews.exec("locked", "vault", "system:serviceaccount:backup:velero",
                        List.of(), "ls")).body())
                .contains("\"allowed\":false")
                .contains("kubectl exec is denied by the namespace's label box.com/podInteractionPolicy=deny"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(controller.post(
                "/admit-pod-interaction", Reviews.exec(NS, "sealed", "carol", List.of("ci"), "ls")).body())
                .contains("\"allowed\":false")
                .contains("kubectl exec is denied by the pod's label box.com/podInteractionPolicy=deny"));
        assertThat(controller.getHealth("/metrics").body())
                .containsPattern("kube_exec_controller_policy_denials_total\\{kind=\"exec\"} [1-9]");
        assertThat(kube.pods().inNamespace(NS).withName("sealed").get().getMetadata().getAnnotations())
                .isNullOrEmpty();
    }

    private List<Event> events(String namespace, String pod) {
        return kube.events().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getRegarding() != null && pod.equals(e.getRegarding().getName()))
                .toList();
    }
}
