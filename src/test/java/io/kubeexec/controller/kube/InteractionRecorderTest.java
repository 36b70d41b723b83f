package io.kubeexec.controller.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubeexec.contract.PodInteractions;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.decision.TrackingOptOut;
import io.kubeexec.controller.decision.TtlPolicy;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history a pod keeps when the two reviews of one exec (kubectl's WebSocket, then SPDY) reach two replicas:
 * each replica is a recorder of its own on the same API server, as behind the webhook's Service.
 */
class InteractionRecorderTest {

    private static final Instant T = Instant.parse("2026-12-07T23:20:57.264Z");

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final Metrics replicaA = new Metrics();
    private final Metrics replicaB = new Metrics();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1").endMetadata()
                .build()).create();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void theSecondReviewOfAnExecRecordedByAnotherReplicaIsNotRecordedAgain() throws Exception {
        recorder(replicaA).record(exec("alice", List.of("ls", "/tmp"), T));
        List<PodEvent> second = recorder(replicaB).record(exec("alice", List.of("ls", "/tmp"), T.plusMillis(14)));

        assertThat(second).isEmpty();
        assertThat(history()).extracting(PodInteractions.Entry::user).containsExactly("alice");
        assertThat(replicaB.scrape()).contains("kube_exec_controller_repeated_reviews_total{found_in=\"history\"} 1");
        assertThat(replicaA.scrape()).contains("kube_exec_controller_repeated_reviews_total{found_in=\"history\"} 0");
    }

    @Test
    void anotherExecOrTheSameOneLaterIsRecorded() throws Exception {
        recorder(replicaA).record(exec("alice", List.of("ls", "/tmp"), T));
        recorder(replicaB).record(exec("bob", List.of("ls", "/tmp"), T.plusMillis(14)));
        recorder(replicaB).record(exec("alice", List.of("ls", "/"), T.plusMillis(20)));
        recorder(replicaA).record(exec("alice", List.of("ls", "/tmp"), T.plus(Duration.ofSeconds(5))));

        assertThat(history()).extracting(e -> e.user() + " " + String.join(" ", e.command()))
                .containsExactly("alice ls /tmp", "bob ls /tmp", "alice ls /", "alice ls /tmp");
        assertThat(replicaA.scrape() + replicaB.scrape()).doesNotContain("repeated_reviews_total{found_in=\"history\"} 1");
    }

    @Test
    void aRepeatAmongInteractionsRecordedInOnePatchIsLeftOutAndTheOthersAreRecorded() throws Exception {
        recorder(replicaA).record(exec("alice", List.of("sh"), T));
        Interaction waited = exec("alice", List.of("sh"), T.plusMillis(14))
                .with(List.of(exec("bob", List.of("date"), T.plusMillis(30))));

        recorder(replicaB).record(waited);

        assertThat(history()).extracting(PodInteractions.Entry::user).containsExactly("alice", "bob");
        assertThat(replicaB.scrape()).contains("kube_exec_controller_repeated_reviews_total{found_in=\"history\"} 1");
    }

    private InteractionRecorder recorder(Metrics metrics) {
        return new InteractionRecorder(client, PodKeys.DEFAULT,
                new TtlPolicy(PodKeys.DEFAULT, Duration.ofMinutes(10), Duration.ofHours(24)),
                new TrackingOptOut(PodKeys.DEFAULT), new PodEvents(Clock.systemUTC(), "test", false), metrics);
    }

    private static Interaction exec(String user, List<String> command, Instant time) {
        return new Interaction("shop", "web-1", user, List.of("devs"), InteractionKind.EXEC, "web", command, time);
    }

    private List<PodInteractions.Entry> history() throws Exception {
        String annotation = client.pods().inNamespace("shop").withName("web-1").get().getMetadata().getAnnotations()
                .get(PodKeys.DEFAULT.interactions());
        return PodInteractions.read(new ObjectMapper().readValue(annotation, Object.class));
    }
}
