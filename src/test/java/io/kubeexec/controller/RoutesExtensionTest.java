package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.pending.PendingWork;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.support.TestPods;
import io.kubeexec.controller.work.WorkQueue;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's extension points, through the real app with the real built-in routes plus an extra routes directory
 * (src/test/resources/extra-routes) that replaces record-extension under a new id and adds observers.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutesExtensionTest {

    private static final String NS = "extended-routes";
    private TestController controller;
    private KubernetesClient kube;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of(
                "routes-extra-dir", TestController.resource("extra-routes").toString(),
                "routes-exclude", "record-extension"));
        kube = controller.kube();
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void anExcludedBuiltInRouteIsReplacedByTheOperatorsRouteOnTheSameQueue() {
        assertThat(context.getRoute("record-extension")).isNull();
        assertThat(context.getRoute("record-extension-audited")).isNotNull();
        assertThat(context.getRoute("record-interaction")).as("the other built-in routes stay").isNotNull();
        TestPods.create(kube, NS, "replaced");
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "replaced", "alice"));
        TestPods.awaitLabels(kube, NS, "replaced");

        assertThat(controller.post("/admit-pod-update",
                Reviews.extend(kube.pods().inNamespace(NS).withName("replaced").get(), "30m", "bob")).body())
                .contains("\"allowed\":true");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                kube.pods().inNamespace(NS).withName("replaced").get().getMetadata().getAnnotations())
                .containsEntry("box.com/podExtensionRequester", "bob"));
        assertThat(mock("mock:replacement-ran").getReceivedExchanges()).as("the replacement did the work").hasSize(1);
        // The replacement has no bookkeeping step: the ledger keeps itself on every consumer of the queue.
        PendingWork pending = context.getRegistry().lookupByNameAndType("pendingWork", PendingWork.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pending.size(WorkQueue.extend))
                .as("extensions still in the ledger").isZero());
    }

    @Test
    void everyObserverReceivesEveryInteractionWithTheDocumentedBody() {
        MockEndpoint first = mock("mock:observed-interactions");
        MockEndpoint second = mock("mock:observed-interactions-too");
        int before = first.getReceivedCounter();
        int beforeSecond = second.getReceivedCounter();
        List<String> pods = List.of("observed-1", "observed-2", "observed-3");
        pods.forEach(name -> TestPods.create(kube, NS, name));
        Instant start = Instant.now().minusSeconds(1);

        pods.forEach(name -> controller.post("/admit-pod-interaction", Reviews.exec(NS, name, "alice@example.com")));

        await().atMost(Duration.ofSeconds(10)).until(() -> first.getReceivedCounter() - before == 3
                && second.getReceivedCounter() - beforeSecond == 3);
        List<Exchange> received = first.getReceivedExchanges().subList(before, before + 3);
        assertThat(received).extracting(e -> e.getMessage().getBody(Map.class).get("pod"))
                .containsExactlyInAnyOrderElementsOf(pods);
        Exchange one = received.stream().filter(e -> "observed-2".equals(e.getMessage().getBody(Map.class).get("pod")))
                .findFirst().orElseThrow();
        Map<String, Object> body = body(one);
        assertThat(body.keySet()).containsExactly(
                "type", "namespace", "pod", "user", "groups", "kind", "container", "command", "time", "text");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("type", "interaction");
        expected.put("namespace", NS);
        expected.put("pod", "observed-2");
        expected.put("user", "alice@example.com");
        expected.put("groups", List.of("system:authenticated"));
        expected.put("kind", "exec");
        expected.put("container", "web");
        expected.put("command", List.of("sh"));
        expected.put("text", "kubectl exec by 'alice@example.com' on pod " + NS + "/observed-2 (container web)");
        assertThat(body).containsAllEntriesOf(expected);
        Instant time = Instant.parse((String) body.get("time"));
        assertThat(time).isBetween(start, Instant.now());
        assertThat((String) body.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(one.getMessage().getHeaders()).containsEntry("KecObservation", "interaction")
                .containsEntry("KecNamespace", NS).containsEntry("KecPod", "observed-2");
    }

    @Test
    void anExtensionObserverReceivesTheDocumentedBody() {
        MockEndpoint observed = mock("mock:observed-extensions");
        int before = observed.getReceivedCounter();
        TestPods.create(kube, NS, "extended");
        controller.post("/admit-pod-interaction", Reviews.exec(NS, "extended", "alice"));
        TestPods.awaitLabels(kube, NS, "extended");

        controller.post("/admit-pod-update",
                Reviews.extend(kube.pods().inNamespace(NS).withName("extended").get(), "1h30m", "bob"));

        await().atMost(Duration.ofSeconds(10)).until(() -> observed.getReceivedCounter() > before);
        Map<String, Object> body = body(observed.getReceivedExchanges().get(before));
        assertThat(body.keySet()).containsExactly("type", "namespace", "pod", "user", "extension", "time", "text");
        assertThat(body).containsEntry("type", "extension").containsEntry("namespace", NS)
                .containsEntry("pod", "extended").containsEntry("user", "bob").containsEntry("extension", "1h30m")
                .containsEntry("text", "'bob' extended the eviction time of pod " + NS + "/extended by 1h30m");
    }

    @Test
    void anEvictionObserverReceivesTheDocumentedBody() {
        MockEndpoint observed = mock("mock:observed-evictions");
        TestPods.expectEviction(controller.apiServer(), NS, "expired");
        Pod pod = TestPods.createExpired(kube, NS, "expired", "carol");

        await().atMost(Duration.ofSeconds(15)).until(() -> observed.getReceivedExchanges().stream()
                .anyMatch(e -> "expired".equals(e.getMessage().getBody(Map.class).get("pod"))));
        Exchange exchange = observed.getReceivedExchanges().stream()
                .filter(e -> "expired".equals(e.getMessage().getBody(Map.class).get("pod"))).findFirst().orElseThrow();
        Map<String, Object> body = body(exchange);
        assertThat(body.keySet()).containsExactly(
                "type", "namespace", "pod", "uid", "interactor", "evictionTime", "time", "text");
        long labelled = Long.parseLong(pod.getMetadata().getLabels().get("box.com/podInitialInteractionTimestamp"));
        assertThat(body).containsEntry("type", "eviction").containsEntry("namespace", NS)
                .containsEntry("pod", "expired").containsEntry("uid", pod.getMetadata().getUid())
                .containsEntry("interactor", "carol")
                .containsEntry("evictionTime", Instant.ofEpochSecond(labelled + 60).toString());
        assertThat((String) body.get("text")).startsWith("Pod " + NS + "/expired was evicted: its interaction TTL expired");
        assertThat(exchange.getMessage().getHeaders()).containsEntry("KecObservation", "eviction");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(Exchange exchange) {
        return exchange.getMessage().getBody(Map.class);
    }

    private MockEndpoint mock(String uri) {
        return context.getEndpoint(uri, MockEndpoint.class);
    }
}
