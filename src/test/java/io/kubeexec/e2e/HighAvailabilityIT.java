package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.kube.LeaderElection;
import io.kubeexec.controller.support.Reviews;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two controller processes with {@code -leader-elect} against one real API server: both serve the webhooks and
 * record a raced pod exactly once; only the Lease holder evicts; when the leader dies (SIGKILL, so its Lease is
 * never released) the other replica takes over within 15 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HighAvailabilityIT {

    private static final String NS = "ha";
    private static final String LEASE_NAMESPACE = "default";

    private RealApiServer apiServer;
    private KubernetesClient kube;
    private final List<ControllerProcess> replicas = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        apiServer = RealApiServer.start();
        kube = apiServer.kube();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        for (String name : List.of("replica-a", "replica-b")) {
            replicas.add(ControllerProcess.start(name, apiServer.kubeconfig(), "-leader-elect", "-lease-namespace",
                    LEASE_NAMESPACE, "-scan-interval", "1s", "-ttl-seconds", "600", "-shutdown-delay", "0s"));
        }
        replicas.forEach(ControllerProcess::awaitReady);
    }

    @AfterAll
    void stop() throws Exception {
        for (ControllerProcess replica : replicas) {
            replica.close();
        }
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @Test
    @Order(1)
    void bothReplicasServeAndARacedPodIsLabelledAndAnnouncedOnce() throws Exception {
        createPod("raced", Map.of());
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ControllerProcess replica = replicas.get(i % 2);
            String review = Reviews.exec(NS, "raced", "user-" + i);
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return replica.post("/admit-pod-interaction", review).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, clients));
        }
        for (CompletableFuture<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(200);
        }
        clients.shutdown();

        // Every interaction is in the history; optimistic concurrency made the racing writers retry, not overwrite.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                kube.pods().inNamespace(NS).withName("raced").get().getMetadata().getAnnotations()
                        .getOrDefault("box.com/podInteractions", "[]").split("\"user\":", -1)).hasSize(9));
        Pod pod = kube.pods().inNamespace(NS).withName("raced").get();
        assertThat(pod.getMetadata().getLabels()).containsKey("box.com/podInitialInteractionTimestamp");
        // Events 1 and 2 once, not once per replica or per racing interaction.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(events("raced")).extracting(Event::getAction)
                        .containsExactlyInAnyOrder("Interact", "Schedule"));
    }

    @Test
    @Order(2)
    void whenTheLeaderDiesTheOtherReplicaLeadsWithin15SecondsAndEvicts() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> holder() != null);
        String leaderName = holder();
        ControllerProcess leader = replicas.stream().filter(r -> r.name().equals(leaderName)).findFirst()
                .orElseThrow(() -> new AssertionError("the Lease is held by " + leaderName + ", not a replica"));
        ControllerProcess follower = replicas.stream().filter(r -> r != leader).findFirst().orElseThrow();
        assertThat(leader.log()).contains("Leading: this replica (" + leaderName + ")");
        assertThat(follower.log()).doesNotContain("Leading: this replica");

        leader.kill();
        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> follower.name().equals(holder()));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("Leadership moved from " + leaderName + " to " + follower.name() + " in "
                + takeover.toMillis() + " ms");
        assertThat(takeover).isLessThanOrEqualTo(Duration.ofSeconds(15));

        // The new leader scans: a pod with a 2 s TTL (its own podTTL annotation) is evicted.
        createPod("short-lived", Map.of("box.com/podTTL", "2s"));
        assertThat(follower.post("/admit-pod-interaction", Reviews.exec(NS, "short-lived", "alice")).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> kube.pods().inNamespace(NS).withName("short-lived")
                .get() == null);
        assertThat(follower.log()).contains("Leading: this replica (" + follower.name() + ")")
                .contains("pod=" + NS + "/short-lived user=alice: evicted");
    }

    private String holder() {
        var lease = kube.leases().inNamespace(LEASE_NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private void createPod(String name, Map<String, String> annotations) {
        kube.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", "ha").withAnnotations(annotations)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("ha-rs")
                .withUid("4b7e4a4e-0000-4000-8000-000000000002").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("busybox").endContainer().endSpec()
                .build()).create();
    }

    private List<Event> events(String pod) {
        return kube.events().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> e.getRegarding() != null && pod.equals(e.getRegarding().getName())).toList();
    }
}
