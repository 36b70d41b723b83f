package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ledger of unrecorded work through API server outages, on a real kube-apiserver v1.20.2 that the test stops and
 * starts again: thousands of pods each exec'd once while it is down are all labelled once it is back (Camel's
 * redelivery scheduler, which the retries used to wait on, refused the 1 001st); and a steady stream of execs on one
 * pod for 90 s, recorded by an operator's replacement worker that does no bookkeeping, keeps the controller within
 * its heap, answers each within a second, and drains to nothing pending.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerOutageIT {

    private static final String NS = "ledger";
    private static final String TIMESTAMP = "box.com/podInitialInteractionTimestamp";
    private static final String INTERACTIONS = "box.com/podInteractions";
    /** More than Camel's redelivery scheduler held (1 000), three times over. */
    private static final int PODS = Integer.getInteger("ledger.pods", 3_000);
    private static final Duration FLOOD = Duration.ofSeconds(Integer.getInteger("ledger.flood.seconds", 90));
    private static final int FLOOD_PER_SECOND = 20;

    private StoppableApiServer apiServer;
    private KubernetesClient kube;
    private final List<ControllerProcess> controllers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        apiServer = StoppableApiServer.start("ledger");
        kube = apiServer.kube();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
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
    @Order(1)
    void everyOneOfThousandsOfPodsExecdDuringAnOutageIsLabelledOnceTheApiServerIsBack() throws Exception {
        List<String> pods = IntStream.range(0, PODS).mapToObj(i -> "many-" + i).toList();
        long creating = System.nanoTime();
        inParallel(16, pods, this::createPod);
        long created = System.nanoTime();
        ControllerProcess controller = launch("ledger-many", "-ttl-seconds", "3600", "-shutdown-delay", "0s")
                .awaitReady();

        apiServer.stopApiServer();
        long down = System.nanoTime();
        AtomicLong slowest = new AtomicLong();
        try {
            inParallel(8, pods, pod -> {
                long sent = System.nanoTime();
                HttpResponse<String> answer = controller.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice"));
                slowest.accumulateAndGet(System.nanoTime() - sent, Math::max);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).as(pod).contains("\"allowed\":true");
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> controller.log().contains(
                    "Not recorded yet (failure 1 in a row)"));
            assertThat(pending(controller)).isGreaterThan(0);
        } finally {
            apiServer.startApiServer();
        }
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> labelled() == PODS && pending(controller) == 0);
        long drained = System.nanoTime();

        System.out.printf("LedgerOutageIT many: %d pods created in %d ms; %d execs answered allowed during the"
                        + " outage, the slowest in %d ms; API server back after %d ms; all %d labelled and pending 0"
                        + " %d ms later%n", PODS, TimeUnit.NANOSECONDS.toMillis(created - creating), PODS,
                TimeUnit.NANOSECONDS.toMillis(slowest.get()), TimeUnit.NANOSECONDS.toMillis(back - down), PODS,
                TimeUnit.NANOSECONDS.toMillis(drained - back));
        String log = controller.log();
        assertThat(log).doesNotContain("RejectedExecutionException").doesNotContain("Lost:");
        // Eight senders at once on a shared machine: the bound that matters is the API server's webhook timeout.
        assertThat(TimeUnit.NANOSECONDS.toMillis(slowest.get())).as("the slowest answer, ms").isLessThan(10_000);
        assertThat(controller.terminate(Duration.ofSeconds(60))).isIn(0, 143);
        assertThat(controller.log()).contains("Stopped: the queues are drained");
    }

    @Test
    @Order(2)
    void aSteadyStreamOfExecsOnOnePodThroughALongOutageIsAnsweredWithinASecondAndDrainsByAWorkerWithoutBookkeeping()
            throws Exception {
        // An operator's replacement of record-interaction with no ledger step at all.
        Path routes = Files.createTempDirectory("ledger-routes");
        Files.writeString(routes.resolve("plain-worker.camel.yaml"), """
                - route:
                    id: record-interaction-plain
                    startupOrder: 20
                    routeConfigurationId: kubernetes-retries
                    shutdownRunningTask: CompleteAllTasks
                    from:
                      uri: "seda:interact?size={{interact-chan-size}}&concurrentConsumers=4"
                      steps:
                        - bean:
                            ref: interactionRecorder
                            method: record
                        - to: direct:announce-events
                """);
        createPod("busy");
        ControllerProcess controller = launch("ledger-flood", "-ttl-seconds", "3600", "-shutdown-delay", "0s",
                "-routes-exclude", "record-interaction", "-routes-extra-dir", routes.toString()).awaitReady();
        long pid = controller.process().pid();

        AtomicLong peakRss = new AtomicLong();
        AtomicLong peakPending = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peakRss.accumulateAndGet(rssKib(pid), Math::max);
                try {
                    peakPending.accumulateAndGet(pending(controller), Math::max);
                    Thread.sleep(500);
                } catch (IOException e) {
                    // the next sample
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();

        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        AtomicLong slowest = new AtomicLong();
        apiServer.stopApiServer();
        long down = System.nanoTime();
        try {
            ExecutorService senders = Executors.newFixedThreadPool(4);
            List<Future<?>> sent = new ArrayList<>();
            long reviews = FLOOD.toSeconds() * FLOOD_PER_SECOND;
            long every = TimeUnit.SECONDS.toNanos(1) / FLOOD_PER_SECOND;
            for (long i = 0; i < reviews; i++) {
                long due = down + i * every;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                // Each by its own user: one exec repeated within seconds is recorded once (RepeatedExec).
                String user = "alice-" + i;
                sent.add(senders.submit(() -> {
                    long start = System.nanoTime();
                    HttpResponse<String> answer = controller.post("/admit-pod-interaction",
                            Reviews.exec(NS, "busy", user));
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    assertThat(answer.statusCode()).isEqualTo(200);
                    (answer.body().contains("\"allowed\":true") ? allowed : denied).incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> each : sent) {
                each.get(30, TimeUnit.SECONDS);
            }
            senders.shutdown();
            assertThat(controller.process().isAlive()).as("alive after the outage's stream").isTrue();
        } finally {
            apiServer.startApiServer();
        }
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> labelled("busy") && pending(controller) == 0);
        long drained = System.nanoTime();
        sampling.set(false);
        sampler.interrupt();
        sampler.join();

        String log = controller.log();
        long total = FLOOD.toSeconds() * FLOOD_PER_SECOND;
        long retryLines = log.lines().filter(line -> line.contains("Not recorded yet")).count();
        System.out.printf("LedgerOutageIT flood: %d execs on one pod over %d s of outage (%d/s): %d allowed, %d denied,"
                        + " the slowest answer in %d ms; peak RSS %d MiB (heap -Xmx160m); peak pending %d pod(s);"
                        + " %d retry lines logged; drained %d ms after the API server was back (down %d ms); log %d"
                        + " lines%n", total, FLOOD.toSeconds(), FLOOD_PER_SECOND, allowed.get(), denied.get(),
                TimeUnit.NANOSECONDS.toMillis(slowest.get()), peakRss.get() / 1024, peakPending.get(), retryLines,
                TimeUnit.NANOSECONDS.toMillis(drained - back), TimeUnit.NANOSECONDS.toMillis(back - down),
                log.lines().count());
        assertThat(allowed.get() + denied.get()).isEqualTo(total);
        assertThat(denied.get()).as("denied: the ledger holds one pod").isZero();
        assertThat(TimeUnit.NANOSECONDS.toMillis(slowest.get())).as("the slowest answer, ms").isLessThan(1000);
        assertThat(peakPending.get()).as("pods pending at the peak").isEqualTo(1);
        assertThat(log).doesNotContain("RejectedExecutionException").doesNotContain("OutOfMemoryError")
                .doesNotContain("Lost:");
        // The interactions left out of the one patch are named (the history keeps the first and the last 19).
        assertThat(log).containsPattern("pod=" + NS + "/busy: \\d+ more interaction\\(s\\) that waited with these"
                + " were left out of the patch");
        String history = kube.pods().inNamespace(NS).withName("busy").get().getMetadata().getAnnotations()
                .get(INTERACTIONS);
        assertThat(history.split("\"user\"", -1)).as("entries in the history").hasSize(21);
        assertThat(controller.terminate(Duration.ofSeconds(60))).isIn(0, 143);
        assertThat(controller.log()).contains("Stopped: the queues are drained");
    }

    private ControllerProcess launch(String name, String... flags) throws IOException {
        ControllerProcess controller = ControllerProcess.start(name, TestController.freePort(),
                apiServer.kubeconfig(), flags);
        controllers.add(controller);
        return controller;
    }

    private void createPod(String name) {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec()
                .build()).create();
    }

    private int labelled() {
        return kube.pods().inNamespace(NS).withLabel(TIMESTAMP).list().getItems().size();
    }

    private boolean labelled(String pod) {
        Map<String, String> labels = kube.pods().inNamespace(NS).withName(pod).get().getMetadata().getLabels();
        return labels != null && labels.containsKey(TIMESTAMP);
    }

    private static long pending(ControllerProcess controller) throws IOException {
        Matcher matcher = Pattern.compile("(?m)^kube_exec_controller_pending\\{queue=\"interact\"} (\\d+)$")
                .matcher(controller.health("/metrics").body());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not Linux
        }
        return 0;
    }

    @FunctionalInterface
    private interface Step {
        void run(String pod) throws Exception;
    }

    private static void inParallel(int threads, List<String> pods, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String pod : pods) {
                done.add(pool.submit(() -> {
                    step.run(pod);
                    return null;
                }));
            }
            for (Future<?> each : done) {
                each.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
