package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.health.Health;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.work.Replay;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Accepted work the controller cannot record while the API server fails, with the real YAML routes over HTTPS: with
 * {@code -on-unrecordable=deny} new interactions are denied once the oldest waited longer than the bound and let in
 * again once the API server answers; work handed over by a peer is refused while this replica stops; and what is
 * still unrecorded when the routes stop is counted in {@code kube_exec_controller_lost_total}.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnrecordedWorkTest {

    private static final String NS = "unrecorded";
    private static final String ARRANGED = "X-Arranged-By-Test";

    private final ApiServerFaultsTest.FaultyApiServer faults = new ApiServerFaultsTest.FaultyApiServer();
    private TestController controller;
    private KubernetesClient kube;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("on-unrecordable", "deny", "unrecordable-after", "1s",
                "ttl-seconds", "600"), dispatcher -> {
                    faults.delegate = dispatcher;
                    return faults;
                });
        // The test's own client passes the faults, as in ApiServerFaultsTest.
        kube = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty())
                        .withMasterUrl(controller.kube().getConfiguration().getMasterUrl())
                        .withTrustCerts(true).withRequestRetryBackoffLimit(0).build())
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("arranged", new Interceptor() {
                    @Override
                    public void before(BasicBuilder request, HttpRequest original, RequestTags tags) {
                        request.header(ARRANGED, "true");
                    }
                }))
                .build();
    }

    @AfterAll
    void stop() {
        kube.close();
        controller.close();
    }

    @Test
    @Order(1)
    void withDenyInteractionsAreDeniedOnceTheOldestWaitedTooLongAndLetInAgainWhenTheApiServerAnswers() {
        Pod bystander = createPod("bystander");
        createPod("web-0");
        faults.start(ApiServerFaultsTest.Fault.ANSWERS_500);
        try {
            assertThat(exec("web-0").body()).contains("\"allowed\":true");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> exec("web-1").body().contains("\"allowed\":false"));
            assertThat(exec("web-1").body()).contains("kube-exec-controller cannot record interactions right now")
                    .contains("etcdserver: request timed out");
            assertThat(pending("interact")).isGreaterThanOrEqualTo(1);
            // Not an interaction: never denied for this.
            assertThat(controller.post("/admit-pod-update", Reviews.relabel(bystander, "tier", "gold", "bob")).body())
                    .contains("\"allowed\":true");
        } finally {
            faults.stop();
        }
        // The denial itself asks the API server again, so the first answer lets interactions in within seconds.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> exec("web-1").body().contains("\"allowed\":true"));
        await().atMost(Duration.ofSeconds(60)).until(() -> pending("interact") == 0);
        assertThat(isLabelled("web-0")).isTrue();
    }

    @Test
    @Order(2)
    void workHandedOverWhileThisReplicaIsStoppingIsRefusedSoItIsNotBouncedAround() {
        createPod("handed-over");
        context.getRegistry().lookupByNameAndType("health", Health.class).markDraining();

        HttpResponse<String> handedOver = send("/admit-pod-interaction", Reviews.exec(NS, "handed-over", "alice"),
                "replica-b");
        HttpResponse<String> fromTheApiServer = controller.post("/admit-pod-interaction",
                Reviews.exec(NS, "handed-over", "alice"));

        assertThat(handedOver.statusCode()).isEqualTo(200);
        assertThat(handedOver.body()).contains("\"allowed\":false")
                .contains("this kube-exec-controller replica is shutting down and takes no handed-over work");
        assertThat(fromTheApiServer.body()).contains("\"allowed\":true");
        await().atMost(Duration.ofSeconds(30)).until(() -> isLabelled("handed-over"));
    }

    @Test
    @Order(3)
    void whatIsStillUnrecordedWhenTheRoutesStopIsCountedAsLost() throws Exception {
        Metrics metrics = context.getRegistry().lookupByNameAndType("metrics", Metrics.class);
        // Already interacted with: only then is an extension queued.
        Pod extended = kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("extended")
                .addToLabels("box.com/podInitialInteractionTimestamp", "1796300000")
                .addToLabels("box.com/podInteractorUsername", "alice").addToLabels("box.com/podTTLDuration", "10m0s")
                .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer()
                .endSpec().build()).create();
        createPod("lost-0");
        createPod("lost-1");
        faults.start(ApiServerFaultsTest.Fault.ANSWERS_500);
        try {
            assertThat(exec("lost-0").body()).contains("\"allowed\":true");
            assertThat(exec("lost-1").body()).contains("\"allowed\":true");
            assertThat(controller.post("/admit-pod-update", Reviews.extend(extended, "30m", "bob")).body())
                    .contains("\"allowed\":true");
            await().atMost(Duration.ofSeconds(10)).until(() -> faults.failed.stream()
                    .filter(p -> p.startsWith("GET /api/v1/namespaces/" + NS + "/pods/")).count() >= 3);
            assertThat(metrics.scrape()).contains("kube_exec_controller_lost_total{queue=\"interact\"} 0");

            context.getShutdownStrategy().setTimeout(3);
            context.stop();

            assertThat(metrics.scrape()).contains("kube_exec_controller_lost_total{queue=\"interact\"} 2")
                    .contains("kube_exec_controller_lost_total{queue=\"extend\"} 1");
        } finally {
            faults.stop();
        }
    }

    private HttpResponse<String> exec(String pod) {
        return controller.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice"));
    }

    private HttpResponse<String> send(String path, String review, String handoverFrom) {
        try {
            return controller.client().send(java.net.http.HttpRequest.newBuilder(controller.uri(path))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .header(Replay.HANDOVER_HEADER, handoverFrom)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(review, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long pending(String queue) {
        Matcher matcher = Pattern.compile("(?m)^kube_exec_controller_pending\\{queue=\"" + queue + "\"} (\\d+)$")
                .matcher(context.getRegistry().lookupByNameAndType("metrics", Metrics.class).scrape());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private Pod createPod(String name) {
        return kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build())
                .create();
    }

    private boolean isLabelled(String name) {
        Pod pod = kube.pods().inNamespace(NS).withName(name).get();
        return pod.getMetadata().getLabels() != null
                && pod.getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp");
    }
}
