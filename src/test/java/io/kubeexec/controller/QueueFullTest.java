package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A full interact queue: the webhook waits briefly, then denies clearly, so no interaction goes untracked. */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueFullTest {

    private static final String NS = "busy";
    private TestController controller;
    private KubernetesClient kube;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("interact-chan-size", "1", "enqueue-timeout", "200ms"));
        kube = controller.kube();
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void whenTheQueueStaysFullTheExecIsDeniedAndTheQueuedOneIsStillRecorded() throws Exception {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("queued").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build())
                .create();
        context.getRouteController().stopRoute("record-interaction");

        HttpResponse<String> first = controller.post("/admit-pod-interaction", Reviews.exec(NS, "queued", "alice"));
        long started = System.nanoTime();
        HttpResponse<String> second = controller.post("/admit-pod-interaction", Reviews.exec(NS, "other", "alice"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(first.body()).contains("\"allowed\":true");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"allowed\":false")
                .contains("\"message\":\"kube-exec-controller is overloaded, retry shortly\"");
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(5));

        context.getRouteController().startRoute("record-interaction");
        await().atMost(Duration.ofSeconds(10)).until(() -> kube.pods().inNamespace(NS).withName("queued").get()
                .getMetadata().getLabels() != null && kube.pods().inNamespace(NS).withName("queued").get()
                .getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp"));
    }
}
