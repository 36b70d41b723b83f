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
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API server fails for a while: every call of the controller is answered 500, or 429, or not answered within
 * the client's timeout. The webhook keeps answering at once (it never waits on the API), nothing is labelled or
 * evicted during the outage, and after it every queued interaction is labelled and every due pod evicted. The test
 * arranges and checks through its own client, whose requests carry a header that lets them through.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerFaultsTest {

    private static final String ARRANGED = "X-Arranged-By-Test";
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);
    private static final String EVICTED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}";

    /** How the API server fails. */
    enum Fault {
        ANSWERS_500, ANSWERS_429, TIMES_OUT
    }

    private final FaultyApiServer faults = new FaultyApiServer();
    private TestController controller;
    private KubernetesClient kube;

    @BeforeAll
    void start() {
        // The client gives up after 1 s (10 s by default) so that a timing-out API server is quick to test.
        controller = new TestController(Map.of("kubernetes.request.timeout", "1000", "ttl-seconds", "600"),
                dispatcher -> {
                    faults.delegate = dispatcher;
                    return faults;
                });
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

    @ParameterizedTest(name = "the API server {0}")
    @EnumSource(Fault.class)
    void duringAnOutageAdmissionsAreAnsweredAtOnceAndAfterItEveryInteractionIsLabelledAndEveryDuePodEvicted(
            Fault fault) {
        String ns = "outage-" + fault.name().toLowerCase().replace('_', '-');
        List<String> touched = IntStream.range(0, 5).mapToObj(i -> "touched-" + i).toList();
        List<String> due = IntStream.range(0, 3).mapToObj(i -> "due-" + i).toList();
        touched.forEach(name -> createPod(ns, name, null));
        // Not timed: the first requests to a fresh JVM measure class loading, not the webhook.
        for (int i = 0; i < 20; i++) {
            controller.post("/admit-pod-interaction", Reviews.exec("warm-up", "no-such-pod", "alice"));
        }
        faults.start(fault);
        try {
            // Due since a minute: the scan would evict them at once if the API server let it.
            Map<String, List<String>> evictions = new ConcurrentHashMap<>();
            for (String name : due) {
                evictions.put(name, expectEviction(ns, name));
                createPod(ns, name, Instant.now().minusSeconds(120));
            }

            for (String name : touched) {
                long started = System.nanoTime();
                HttpResponse<String> answer = controller.post("/admit-pod-interaction", Reviews.exec(ns, name, "alice"));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ANSWER_WITHIN);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("\"allowed\":true");
            }

            // The outage really hit the scan's LIST, the workers' GETs and nothing got through.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(faults.failed)
                    .anySatisfy(p -> assertThat(p).startsWith("GET /api/v1/pods?labelSelector="))
                    .anySatisfy(p -> assertThat(p).startsWith("GET /api/v1/namespaces/" + ns + "/pods/touched-")));
            assertThat(evictions.values()).allSatisfy(bodies -> assertThat(bodies).isEmpty());
            assertThat(touched).noneMatch(name -> isLabelled(ns, name));
        } finally {
            faults.stop();
        }

        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            assertThat(touched).allMatch(name -> isLabelled(ns, name));
            assertThat(due).allMatch(name -> !evictionBodies(ns, name).isEmpty());
        });
        // A real API server deletes an evicted pod; the mock cannot, so the test does.
        due.forEach(name -> kube.pods().inNamespace(ns).withName(name).delete());
    }

    @Test
    void anEventThatKeepsFailingDoesNotHoldUpTheEvictionOfOtherDuePods() {
        String ns = "events-fail";
        controller.apiServer().expect().post().withPath("/apis/events.k8s.io/v1/namespaces/" + ns + "/events")
                .andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"events are broken\"}").always();
        List<String> first = expectEviction(ns, "first");
        createPod(ns, "first", Instant.now().minusSeconds(120));
        // Its "evicted" Event is now retried with backoff, and keeps failing.
        await().atMost(Duration.ofSeconds(15)).until(() -> !first.isEmpty());

        List<String> second = expectEviction(ns, "second");
        createPod(ns, "second", Instant.now().minusSeconds(120));

        await().atMost(Duration.ofSeconds(15)).until(() -> !second.isEmpty());
        kube.pods().inNamespace(ns).withName("first").delete();
        kube.pods().inNamespace(ns).withName("second").delete();
    }

    private final Map<String, List<String>> evictionBodies = new ConcurrentHashMap<>();

    private List<String> evictionBodies(String ns, String pod) {
        return evictionBodies.getOrDefault(ns + "/" + pod, List.of());
    }

    private List<String> expectEviction(String ns, String pod) {
        List<String> bodies = new CopyOnWriteArrayList<>();
        evictionBodies.put(ns + "/" + pod, bodies);
        controller.apiServer().expect().post().withPath("/api/v1/namespaces/" + ns + "/pods/" + pod + "/eviction")
                .andReply(201, request -> {
                    bodies.add(request.getUtf8Body());
                    return EVICTED;
                }).always();
        return bodies;
    }

    private boolean isLabelled(String ns, String name) {
        Pod pod = kube.pods().inNamespace(ns).withName(name).get();
        return pod.getMetadata().getLabels() != null
                && pod.getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp");
    }

    /** An owned pod; with {@code interacted}, already labelled as interacted with then, with a 1 minute TTL. */
    private void createPod(String ns, String name, Instant interacted) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("app", "web")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-rs")
                .withUid("rs-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec();
        if (interacted != null) {
            pod.editMetadata()
                    .addToLabels("box.com/podInitialInteractionTimestamp", Long.toString(interacted.getEpochSecond()))
                    .addToLabels("box.com/podInteractorUsername", "alice")
                    .addToLabels("box.com/podTTLDuration", "1m0s")
                    .endMetadata();
        }
        kube.pods().inNamespace(ns).resource(pod.build()).create();
    }

    /** In front of the mock API server: while a fault is on, the controller's requests fail; the test's pass. */
    static final class FaultyApiServer extends Dispatcher {
        volatile Dispatcher delegate;
        private volatile Fault fault;
        final List<String> failed = new CopyOnWriteArrayList<>();

        void start(Fault fault) {
            failed.clear();
            this.fault = fault;
        }

        void stop() {
            fault = null;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            Fault current = fault;
            if (current == null || request.getHeader(ARRANGED) != null) {
                return delegate.dispatch(request);
            }
            failed.add(request.getMethod() + " " + request.getPath());
            return switch (current) {
                case ANSWERS_500 -> status(500, "InternalError", "etcdserver: request timed out");
                case ANSWERS_429 -> status(429, "TooManyRequests", "too many requests, please try again later")
                        .setHeader("Retry-After", "1");
                // Headers at once, the body long after the client's 1 s timeout.
                case TIMES_OUT -> status(504, "Timeout", "too late").setBodyDelay(5, TimeUnit.SECONDS);
            };
        }

        private static MockResponse status(int code, String reason, String message) {
            return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                            + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
        }
    }
}
