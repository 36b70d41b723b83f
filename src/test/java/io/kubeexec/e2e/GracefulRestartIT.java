package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful restart under load, on a real kube-apiserver v1.20.2 (issue 8): about 200 interaction reviews a second,
 * each for its own existing pod, arrive over HTTPS while the controller gets SIGTERM and a new process starts on the
 * same port. Every review answered {@code allowed} must end up as the three labels on its pod: zero lost. A review
 * that found no listener, or was answered anything else, does not count (the API server's failurePolicy decides
 * for those) and its pod goes back to the pool, so the restarted controller still gets fresh pods.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulRestartIT {

    private static final String NS = "restart";
    private static final int PODS = 1000;
    private static final int RATE_PER_SECOND = 200;
    private static final int SENDERS = 8;
    /**
     * Answered by the first controller during the load before its SIGTERM, then by the second before the load stops.
     * The first keeps answering through its shutdown delay, so at SIGTERM its queue holds up to about FIRST + 200.
     * The drain must end within camel.main.shutdown-timeout (30 s) or the rest is lost; a warm controller's 4
     * workers drained about 20 a second on a busy 2-core machine, a cold one less than 10.
     */
    private static final int FIRST = 150;
    /** Reviews the first controller records before the load starts: a controller restarted in production is warm. */
    private static final int WARM_UP = 100;
    private static final int SECOND = 300;
    private static final String TIMESTAMP = "box.com/podInitialInteractionTimestamp";
    private static final String USERNAME = "box.com/podInteractorUsername";
    private static final String TTL = "box.com/podTTLDuration";
    // Long, so nothing is evicted while the test looks; the shutdown delay keeps answering after readiness is off.
    private static final String[] FLAGS = {"-ttl-seconds", "3600", "-shutdown-delay", "1s"};

    private RealApiServer apiServer;
    private KubernetesClient kube;
    private final List<ControllerProcess> controllers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        apiServer = RealApiServer.start();
        kube = apiServer.kube();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        long started = System.nanoTime();
        ExecutorService creators = Executors.newFixedThreadPool(8);
        try {
            CompletableFuture.allOf(IntStream.range(0, PODS).mapToObj(i -> CompletableFuture.runAsync(() ->
                    kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(pod(i))
                            .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("nginx")
                            .endContainer().endSpec().build()).create(), creators))
                    .toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
        } finally {
            creators.shutdown();
        }
        System.out.printf("GracefulRestartIT: %d pods created in %d ms%n", PODS,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    void stop() throws Exception {
        for (ControllerProcess controller : controllers) {
            controller.close();
        }
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @Test
    void everyInteractionAnsweredAllowedAcrossASigtermAndRestartEndsUpAsLabelsOnItsPod() throws Exception {
        int port = TestController.freePort();
        ControllerProcess first = launch("restart-first", port).awaitReady();
        PacedLoad load = new PacedLoad(port);
        Set<String> warmUp = load.warmUp(first);
        await().atMost(Duration.ofSeconds(60)).until(() -> labelled().containsAll(warmUp));
        load.start();
        long sigterm;
        long exited;
        long answering;
        int exitCode;
        ControllerProcess second;
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> assertThat(load.allowedByFirst.size()).as(load::summary)
                            .isGreaterThanOrEqualTo(WARM_UP + FIRST));
            sigterm = System.nanoTime();
            long sentBeforeSigterm = load.sent.get();
            exitCode = first.terminate(Duration.ofSeconds(60)); // SIGTERM in the middle of the stream
            exited = System.nanoTime();
            System.out.printf("GracefulRestartIT: before SIGTERM %d reviews sent in %d ms (%.0f/s)%n",
                    sentBeforeSigterm, TimeUnit.NANOSECONDS.toMillis(sigterm - load.started),
                    sentBeforeSigterm * 1e9 / (sigterm - load.started));

            load.switchToSecond(); // the first has exited
            second = launch("restart-second", port);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                if (!second.process().isAlive()) {
                    throw new IllegalStateException("the second controller exited:\n" + second.log());
                }
                assertThat(load.allowedBySecond).as(load::summary).isNotEmpty();
            });
            answering = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> assertThat(load.allowedBySecond.size()).as(load::summary)
                            .isGreaterThanOrEqualTo(SECOND));
        } finally {
            load.stop();
        }
        long stopped = System.nanoTime();
        System.out.printf("GracefulRestartIT: %s; overall %.0f reviews/s (target %d/s); the first exited %d ms after"
                        + " SIGTERM (status %d), the second answered %d ms after that%n", load.summary(),
                load.sent.get() * 1e9 / (stopped - load.started), RATE_PER_SECOND,
                TimeUnit.NANOSECONDS.toMillis(exited - sigterm), exitCode,
                TimeUnit.NANOSECONDS.toMillis(answering - exited));

        String firstLog = first.log();
        String afterSigterm = firstLog.substring(Math.max(0, firstLog.indexOf("Stopping: readiness is 503")));
        System.out.printf("GracefulRestartIT: the first controller labelled %d pods after SIGTERM, while draining%n",
                afterSigterm.split("labelled, TTL", -1).length - 1);
        // The first stopped gracefully: readiness off, listener stopped, queues drained, no retry cut short.
        assertThat(exitCode).as("exit status of the first controller").isIn(0, 143);
        assertThat(firstLog).contains("Stopping: readiness is 503").contains("Stopped: the queues are drained")
                .doesNotContain("Timeout occurred during graceful shutdown")
                .doesNotContain("Not recorded, stopped before it succeeded");
        assertThat(load.allowedByFirst).hasSizeGreaterThanOrEqualTo(WARM_UP + FIRST);
        assertThat(load.allowedBySecond).hasSizeGreaterThanOrEqualTo(SECOND);

        // Labelled means recorded: the state lives on the pod only. The second drains what it accepted.
        Set<String> allowed = new HashSet<>(load.allowedByFirst);
        allowed.addAll(load.allowedBySecond);
        Set<String> lost = new TreeSet<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<String> labelled = labelled();
            lost.clear();
            allowed.stream().filter(p -> !labelled.contains(p)).forEach(lost::add);
            assertThat(lost).as("answered allowed (%d) but not labelled", allowed.size()).isEmpty();
        });
        System.out.printf("GracefulRestartIT: %d answered allowed, %d labelled of them, lost %d%n", allowed.size(),
                allowed.size() - lost.size(), lost.size());
        assertThat(second.log()).doesNotContain("Not recorded, stopped before it succeeded");
    }

    /** The pods that carry the three labels with the values of this test. */
    private Set<String> labelled() {
        return kube.pods().inNamespace(NS).withLabel(TIMESTAMP).list().getItems().stream()
                .filter(GracefulRestartIT::carriesTheThreeLabels).map(p -> p.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    private static boolean carriesTheThreeLabels(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels.get(TIMESTAMP).matches("\\d{10}") && "alice".equals(labels.get(USERNAME))
                && "1h0m0s".equals(labels.get(TTL));
    }

    private ControllerProcess launch(String name, int port) throws IOException {
        ControllerProcess controller = ControllerProcess.start(name, port, apiServer.kubeconfig(), FLAGS);
        controllers.add(controller);
        return controller;
    }

    private static String pod(int i) {
        return "pod-" + i;
    }

    /**
     * Reviews at a steady {@link #RATE_PER_SECOND}: ticket n is due at start + n / rate, taken by whichever of a few
     * senders is free, each on a kept-alive HTTP/1.1 connection (a new TLS handshake per review cannot keep that
     * rate on a busy 2-core machine). Each review takes a pod from the pool; only an {@code allowed} answer uses it
     * up.
     */
    private static final class PacedLoad {
        private final URI uri;
        /** Replaced for the second controller: no connection of the first is ever reused. */
        private volatile HttpClient https = newClient();
        private final ConcurrentLinkedQueue<String> pool = IntStream.range(0, PODS).mapToObj(GracefulRestartIT::pod)
                .collect(Collectors.toCollection(ConcurrentLinkedQueue::new));
        final Set<String> allowedByFirst = ConcurrentHashMap.newKeySet();
        final Set<String> allowedBySecond = ConcurrentHashMap.newKeySet();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger noAnswer = new AtomicInteger();
        final AtomicInteger poolEmpty = new AtomicInteger();
        private final Map<String, AtomicInteger> otherAnswers = new ConcurrentHashMap<>();
        private final AtomicLong tickets = new AtomicLong();
        private final ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        volatile int generation = 1;
        private volatile boolean stopping;
        long started;

        PacedLoad(int port) {
            uri = URI.create("https://127.0.0.1:" + port + "/admit-pod-interaction?timeout=10s");
        }

        /** {@link #WARM_UP} reviews, one at a time, each answered allowed; returns their pods. */
        Set<String> warmUp(ControllerProcess controller) throws IOException {
            Set<String> pods = new HashSet<>();
            for (int i = 0; i < WARM_UP; i++) {
                String pod = pool.poll();
                HttpResponse<String> response = controller.post("/admit-pod-interaction",
                        Reviews.exec(NS, pod, "alice"));
                assertThat(response.body()).as("warm-up review").contains("\"allowed\":true");
                pods.add(pod);
            }
            allowedByFirst.addAll(pods);
            return pods;
        }

        void start() {
            started = System.nanoTime();
            for (int s = 0; s < SENDERS; s++) {
                senders.execute(this::send);
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            senders.shutdown();
            assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).as("the senders stop").isTrue();
        }

        private void send() {
            while (!stopping) {
                long due = started + tickets.getAndIncrement() * 1_000_000_000L / RATE_PER_SECOND;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                String pod = pool.poll();
                if (pod == null) {
                    poolEmpty.incrementAndGet();
                    continue;
                }
                int sentTo = generation;
                sent.incrementAndGet();
                CompletableFuture<HttpResponse<String>> pending = null;
                try {
                    pending = https.sendAsync(HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Reviews.exec(NS, pod, "alice"))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    // A hard bound of our own: a client that hangs on a connection closed mid-shutdown must not
                    // stop the load (seen once: no sender reached the second controller).
                    HttpResponse<String> response = pending.get(15, TimeUnit.SECONDS);
                    if (response.statusCode() == 200 && response.body().contains("\"allowed\":true")) {
                        (sentTo == 1 ? allowedByFirst : allowedBySecond).add(pod);
                        continue;
                    }
                    String body = response.body().lines().findFirst().orElse("");
                    otherAnswers.computeIfAbsent((sentTo == 1 ? "first: " : "second: ") + response.statusCode()
                            + " " + body.substring(0, Math.min(body.length(), 100)), a -> new AtomicInteger())
                            .incrementAndGet();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    if (pending != null) {
                        pending.cancel(true);
                    }
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    noAnswer.incrementAndGet();
                    otherAnswers.computeIfAbsent((sentTo == 1 ? "first: " : "second: ")
                            + cause.getClass().getSimpleName(), a -> new AtomicInteger())
                            .incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
                pool.add(pod);
            }
        }

        private static HttpClient newClient() {
            return HttpClient.newBuilder().sslContext(TestController.trustingTestCertificate())
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        }

        /** From now on, whatever answers is the second controller. */
        void switchToSecond() {
            https = newClient();
            generation = 2;
        }

        String summary() {
            return String.format("sent %d: answered allowed by the first %d, by the second %d; no answer %d; "
                            + "other answers and failures %s; pool empty %d times", sent.get(), allowedByFirst.size(),
                    allowedBySecond.size(), noAnswer.get(), otherAnswers, poolEmpty.get());
        }
    }
}
