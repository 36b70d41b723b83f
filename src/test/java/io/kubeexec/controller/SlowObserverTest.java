package io.kubeexec.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.support.TestPods;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An observer that takes 3 s over each interaction and then fails (src/test/resources/slow-observer) costs the
 * admission path and the interact worker nothing: five execs are answered at once, and all five pods are labelled
 * and announced well before the observer could have finished even two of them.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowObserverTest {

    private static final String NS = "slow-observer";
    private TestController controller;
    private KubernetesClient kube;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of(
                "routes-extra-dir", TestController.resource("slow-observer").toString()));
        kube = controller.kube();
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void aSlowAndFailingObserverDelaysNeitherAdmissionsNorTheWorkers() {
        List<String> pods = IntStream.rangeClosed(1, 5).mapToObj(i -> "pod-" + i).toList();
        pods.forEach(name -> TestPods.create(kube, NS, name));
        MockEndpoint observerStarted = context.getEndpoint("mock:slow-observer-started", MockEndpoint.class);

        controller.get("/"); // the first TLS handshake and JIT warm-up are not what is measured
        long started = System.nanoTime();
        for (String pod : pods) {
            long before = System.nanoTime();
            HttpResponse<String> answer = controller.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice"));
            assertThat(answer.body()).contains("\"allowed\":true");
            // Waiting for the observer would take 3 s.
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("admission of " + pod)
                    .isLessThan(Duration.ofSeconds(2));
        }
        pods.forEach(pod -> TestPods.awaitLabels(kube, NS, pod));
        await().atMost(Duration.ofSeconds(5)).until(() -> kube.events().v1().events().inNamespace(NS).list()
                .getItems().size() >= 2 * pods.size());
        Duration allRecorded = Duration.ofNanos(System.nanoTime() - started);

        // Had the workers waited for the observer, five interactions would have taken at least 15 s.
        assertThat(allRecorded).isLessThan(Duration.ofSeconds(6));
        // And the observer did see (and fail on) every one of them.
        await().atMost(Duration.ofSeconds(10)).until(() -> observerStarted.getReceivedCounter() == pods.size());
    }
}
