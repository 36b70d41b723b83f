package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller while the API server is down, on a real kube-apiserver v1.20.2 that the test stops and starts
 * again (etcd keeps the data): with {@code -on-unrecordable=deny} it denies once the oldest unrecorded interaction
 * has waited too long and lets interactions in again once the API server is back; a replica stopped during the
 * outage hands its unrecorded work to its peer, which records all of it once the API server is back; and a replica
 * that has no peer to take it logs each item as lost, and those pods stay unlabelled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiOutageIT {

    private static final String NS = "outage";
    private static final String TIMESTAMP = "box.com/podInitialInteractionTimestamp";
    private static final String REQUESTER = "box.com/podExtensionRequester";

    private StoppableApiServer apiServer;
    private KubernetesClient kube;
    private final List<ControllerProcess> controllers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        apiServer = StoppableApiServer.start("outage");
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
    void withOnUnrecordableDenyAnInteractionIsDeniedOnceTheOldestWaitedTooLongAndAllowedAgainOnceItCanBeRecorded()
            throws Exception {
        ControllerProcess controller = launch("outage-deny", TestController.freePort(), "-on-unrecordable", "deny",
                "-unrecordable-after", "5s", "-ttl-seconds", "3600", "-shutdown-delay", "0s").awaitReady();
        List<String> queued = createPods("deny-", 3);
        createPod("deny-probe");
        createPod("bystander");
        Pod bystander = kube.pods().inNamespace(NS).withName("bystander").get();

        apiServer.stopApiServer();
        long down = System.nanoTime();
        try {
            for (String pod : queued) {
                assertAllowed(controller.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice")));
            }
            long firstQueued = down;
            AtomicReference<String> denial = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250)).until(() -> {
                String body = controller.post("/admit-pod-interaction", Reviews.exec(NS, "deny-probe", "alice"))
                        .body();
                denial.set(body);
                return body.contains("\"allowed\":false");
            });
            Duration untilDenied = Duration.ofNanos(System.nanoTime() - firstQueued);
            assertThat(denial.get()).contains("kube-exec-controller cannot record interactions right now")
                    .contains("-on-unrecordable=deny").contains("the Kubernetes API server cannot be reached");
            assertThat(untilDenied).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
            // Pod updates are never denied for this: only new interactions are.
            assertAllowed(controller.post("/admit-pod-update", Reviews.relabel(bystander, "tier", "gold", "bob")));
            assertThat(controller.post("/admit-pod-interaction", Reviews.exec(NS, "bystander", "alice")).body())
                    .contains("\"allowed\":false");
            System.out.printf("ApiOutageIT deny: the first denial came %d ms after the API server stopped"
                    + " (-unrecordable-after 5s)%n", TimeUnit.NANOSECONDS.toMillis(untilDenied.toNanos()));
        } finally {
            apiServer.startApiServer();
        }
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                controller.post("/admit-pod-interaction", Reviews.exec(NS, "deny-probe", "alice")).body()
                        .contains("\"allowed\":true"));
        long allowedAgain = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> pendingInteractions(controller) == 0);
        long drained = System.nanoTime();
        assertThat(queued).allMatch(this::isLabelled);
        assertAllowed(controller.post("/admit-pod-interaction", Reviews.exec(NS, "bystander", "alice")));
        System.out.printf("ApiOutageIT deny: API server back after %d ms of outage; interactions allowed again %d ms"
                        + " later; the backlog drained %d ms after the API server was back%n",
                TimeUnit.NANOSECONDS.toMillis(back - down), TimeUnit.NANOSECONDS.toMillis(allowedAgain - back),
                TimeUnit.NANOSECONDS.toMillis(drained - back));
        assertThat(controller.log()).contains("decision=denied: kube-exec-controller cannot record interactions");
        assertThat(controller.terminate(Duration.ofSeconds(60))).isIn(0, 143);
        assertThat(controller.log()).contains("Stopped: the queues are drained").doesNotContain("Lost:");
    }

    @Test
    @Order(2)
    void aReplicaStoppedDuringAnOutageHandsItsWorkToItsPeerWhichRecordsAllOfItOnceTheApiServerIsBack()
            throws Exception {
        int portA = TestController.freePort();
        int portB = TestController.freePort();
        String peers = "https://127.0.0.1:" + portA + ",https://127.0.0.1:" + portB;
        ControllerProcess a = launch("outage-a", portA, "-handover-peers", peers, "-ttl-seconds", "3600",
                "-shutdown-delay", "1s");
        ControllerProcess b = launch("outage-b", portB, "-handover-peers", peers, "-ttl-seconds", "3600",
                "-shutdown-delay", "1s");
        a.awaitReady();
        b.awaitReady();
        List<String> pods = createPods("handover-", 100);
        Pod extended = interactedPod(a, "handover-extended");

        apiServer.stopApiServer();
        long down = System.nanoTime();
        try {
            for (String pod : pods) {
                assertAllowed(a.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice")));
            }
            assertAllowed(a.post("/admit-pod-update", Reviews.extend(extended, "30m", "bob")));
            // The workers of a have tried and failed: the work waits for a retry, not in the queue.
            await().atMost(Duration.ofSeconds(20)).until(() -> a.log().contains("Not recorded yet (failure 1 in a row)"));

            long sigterm = System.nanoTime();
            assertThat(a.terminate(Duration.ofSeconds(60))).isIn(0, 143);
            long exited = System.nanoTime();
            String log = a.log();
            assertThat(count(log, "Handed over to https://127.0.0.1:" + portB + ": ")).as(log).isEqualTo(101);
            assertThat(log).contains("Handing over instead of waiting: the Kubernetes API server is not answering")
                    .contains("Stopped: 0 recorded while draining, 101 handed over to a peer in ")
                    .contains(" ms, 0 lost").doesNotContain("Lost:");
            for (String pod : pods) {
                assertThat(b.log()).contains("pod=" + NS + "/" + pod + " user=alice kind=exec container=web"
                        + " decision=allowed, queued to record the interaction");
            }
            System.out.printf("ApiOutageIT hand-over: the replica holding 101 unrecorded items exited %d ms after"
                    + " SIGTERM (shutdown delay 1s), %d ms into the outage; %s%n",
                    TimeUnit.NANOSECONDS.toMillis(exited - sigterm), TimeUnit.NANOSECONDS.toMillis(exited - down),
                    log.lines().filter(line -> line.contains("Stopped: ")).findFirst().orElse(""));
        } finally {
            apiServer.startApiServer();
        }
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(pods).allMatch(this::isLabelled);
            assertThat(kube.pods().inNamespace(NS).withName("handover-extended").get().getMetadata()
                    .getAnnotations()).containsEntry(REQUESTER, "bob");
        });
        long recorded = System.nanoTime();
        long byPeer = pods.stream().filter(pod -> b.log().contains("pod=" + NS + "/" + pod
                + " user=alice kind=exec: labelled")).count();
        assertThat(byPeer).isEqualTo(pods.size());
        assertThat(b.log()).contains("pod=" + NS + "/handover-extended user=bob extension=30m: new eviction time");
        System.out.printf("ApiOutageIT hand-over: %d of %d interactions and 1 of 1 extension recorded by the peer,"
                        + " %d ms after the API server was back (outage %d ms)%n", byPeer, pods.size(),
                TimeUnit.NANOSECONDS.toMillis(recorded - back), TimeUnit.NANOSECONDS.toMillis(back - down));
        assertThat(b.terminate(Duration.ofSeconds(60))).isIn(0, 143);
        assertThat(b.log()).contains("Stopped: the queues are drained");
    }

    @Test
    @Order(3)
    void aReplicaWithoutAPeerStoppedDuringAnOutageLogsEachUnrecordedItemAsLost() throws Exception {
        int port = TestController.freePort();
        int nobody = TestController.freePort();
        // Its own address and one where nothing listens: no peer takes the work.
        ControllerProcess alone = launch("outage-alone", port, "-handover-peers",
                "https://127.0.0.1:" + port + ",https://127.0.0.1:" + nobody, "-ttl-seconds", "3600",
                "-shutdown-delay", "0s").awaitReady();
        List<String> pods = createPods("lost-", 10);
        Pod extended = interactedPod(alone, "lost-extended");

        apiServer.stopApiServer();
        try {
            for (String pod : pods) {
                assertAllowed(alone.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice")));
            }
            assertAllowed(alone.post("/admit-pod-update", Reviews.extend(extended, "30m", "bob")));
            await().atMost(Duration.ofSeconds(20)).until(() -> alone.log().contains("Not recorded yet (failure 1 in a row)"));
            long sigterm = System.nanoTime();
            assertThat(alone.terminate(Duration.ofSeconds(60))).isIn(0, 143);
            Duration exited = Duration.ofNanos(System.nanoTime() - sigterm);
            System.out.printf("ApiOutageIT lost: the replica without a peer waited for the API server and exited %d ms"
                    + " after SIGTERM%n", exited.toMillis());
            // It waited the whole drain for the API server, and still ended before the kubelet's SIGKILL.
            assertThat(exited).isGreaterThan(Duration.ofSeconds(40)).isLessThan(Duration.ofSeconds(45));
        } finally {
            apiServer.startApiServer();
        }
        String log = alone.log();
        List<String> lost = log.lines().filter(line -> line.contains(" ERROR ") && line.contains("Lost: ")).toList();
        assertThat(lost).as(log).hasSize(11);
        for (String pod : pods) {
            assertThat(lost).anyMatch(line -> line.matches(".*Lost: not recorded, the process exits: queue=interact"
                    + " namespace=" + NS + " pod=" + pod + " user=alice kind=exec container=web"
                    + " time=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"));
        }
        assertThat(lost).anyMatch(line -> line.contains("queue=extend namespace=" + NS
                + " pod=lost-extended user=bob kind=extension extension=30m time="));
        assertThat(log).contains("no peer listens; waiting for the API server instead")
                .contains("Hand-over: https://127.0.0.1:" + nobody + ": no answer");
        List<String> lines = log.lines().toList();
        assertThat(lines.get(lines.size() - 1)).as("the last line").contains("Stopped: 0 recorded while draining, 0 handed over in ")
                .contains(" ms, 11 lost (the 'Lost:' lines above name them)");
        // The loss is real: back, the API server shows those pods unlabelled, and nothing will evict them.
        Thread.sleep(3000);
        assertThat(pods).noneMatch(this::isLabelled);
        System.out.printf("ApiOutageIT lost: 0 of %d interactions and 0 of 1 extension recorded; %d ERROR lines"
                + " name them%n", pods.size(), lost.size());
    }

    private ControllerProcess launch(String name, int port, String... flags) throws IOException {
        ControllerProcess controller = ControllerProcess.start(name, port, apiServer.kubeconfig(), flags);
        controllers.add(controller);
        return controller;
    }

    private List<String> createPods(String prefix, int count) {
        List<String> names = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
        names.forEach(this::createPod);
        return names;
    }

    private void createPod(String name) {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec()
                .build()).create();
    }

    /** A pod the controller has labelled, as the API server has it now: ready to be extended. */
    private Pod interactedPod(ControllerProcess controller, String pod) throws IOException {
        createPod(pod);
        assertAllowed(controller.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice")));
        // Labelled is not yet done: the worker's exchange (its Events included) ends after the patch, and only then
        // does the ledger let the work go. Stopping the API server in between would leave it pending, lost at exit.
        await().atMost(Duration.ofSeconds(30)).until(() -> isLabelled(pod) && pendingInteractions(controller) == 0);
        return kube.pods().inNamespace(NS).withName(pod).get();
    }

    private boolean isLabelled(String pod) {
        Map<String, String> labels = kube.pods().inNamespace(NS).withName(pod).get().getMetadata().getLabels();
        return labels != null && labels.containsKey(TIMESTAMP);
    }

    private static long pendingInteractions(ControllerProcess controller) throws IOException {
        Matcher matcher = Pattern.compile("(?m)^kube_exec_controller_pending\\{queue=\"interact\"} (\\d+)$")
                .matcher(controller.health("/metrics").body());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static void assertAllowed(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"allowed\":true");
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
