package io.kubeexec.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubeexec.controller.admission.AdmissionRequest;
import io.kubeexec.controller.admission.PodUpdatePolicy;
import io.kubeexec.controller.decision.TrackingOptOut;
import io.kubeexec.controller.decision.TtlPolicy;
import io.kubeexec.controller.kube.InteractionRecorder;
import io.kubeexec.controller.kube.PodEvents;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's side of the pod-state contract: the keys it writes and protects, the duration and time formats
 * and the interaction history it writes, are those of {@code contract/src/test/resources/pod-state-contract.json},
 * which {@code kubectl pi}'s ContractFixtureTest reads back: together, a round trip from what the controller writes
 * to what the plugin reads.
 */
class ContractFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode fixture;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = ContractFixtureTest.class.getResourceAsStream("/pod-state-contract.json")) {
            assertThat(in).as("the shared fixture on the test class path").isNotNull();
            fixture = JSON.readTree(in);
        }
    }

    @Test
    void theControllerUsesTheContractsKeys() {
        PodKeys keys = PodKeys.DEFAULT;
        assertThat(keys.prefix()).isEqualTo(fixture.path("prefix").asText());
        JsonNode labels = fixture.path("labels");
        assertThat(keys.initialInteractionTimestamp()).isEqualTo(labels.path("initialInteractionTimestamp").asText());
        assertThat(keys.interactorUsername()).isEqualTo(labels.path("interactorUsername").asText());
        assertThat(keys.ttlDuration()).isEqualTo(labels.path("ttlDuration").asText());
        assertThat(keys.tracking()).isEqualTo(labels.path("tracking").asText());
        assertThat(keys.interactionPolicy()).isEqualTo(labels.path("interactionPolicy").asText());
        JsonNode annotations = fixture.path("annotations");
        assertThat(keys.terminationTime()).isEqualTo(annotations.path("terminationTime").asText());
        assertThat(keys.harmlessCommands()).isEqualTo(annotations.path("harmlessCommands").asText());
        assertThat(keys.extendedDuration()).isEqualTo(annotations.path("extendedDuration").asText());
        assertThat(keys.extensionRequester()).isEqualTo(annotations.path("extensionRequester").asText());
        assertThat(keys.interactions()).isEqualTo(annotations.path("interactions").asText());
        assertThat(keys.requestedTtl()).isEqualTo(annotations.path("requestedTtl").asText());
    }

    @Test
    void theControllerWritesAndReadsDurationsAndTimesInTheContractsFormat() {
        for (JsonNode d : fixture.path("durations")) {
            assertThat(GoDuration.parse(d.path("text").asText()).toNanos()).as(d.toString())
                    .isEqualTo(d.path("nanos").asLong());
            assertThat(GoDuration.format(Duration.ofNanos(d.path("nanos").asLong()))).as(d.toString())
                    .isEqualTo(d.path("go").asText());
        }
        for (JsonNode t : fixture.path("times")) {
            Instant instant = Instant.ofEpochSecond(t.path("unixSeconds").asLong(), t.path("nanos").asLong());
            assertThat(GoTime.format(instant)).isEqualTo(t.path("go").asText());
            assertThat(GoTime.parse(t.path("go").asText())).isEqualTo(instant);
        }
    }

    @Test
    void theEvictionTimeOfEachContractPodIsTheOneTheContractStates() {
        for (JsonNode pod : fixture.path("pods")) {
            if (!pod.path("evictionTime").isTextual()) { // a pod never interacted with
                assertThat(InteractedPod.read(PodKeys.DEFAULT, map(pod.path("labels")), map(pod.path("annotations"))))
                        .isEmpty();
                continue;
            }
            InteractedPod state = InteractedPod.read(PodKeys.DEFAULT, map(pod.path("labels")),
                    map(pod.path("annotations"))).orElseThrow();
            assertThat(GoTime.format(state.evictionTime())).as(pod.path("name").asText())
                    .isEqualTo(pod.path("evictionTime").asText());
        }
    }

    @Test
    void theWebhookProtectsTheContractsLabels() throws Exception {
        JsonNode pod = fixture.path("pods").get(0);
        JsonNode labels = pod.path("labels");
        String before = "{\"metadata\":{\"name\":\"p\",\"labels\":" + labels + "}}";
        String after = "{\"metadata\":{\"name\":\"p\",\"labels\":{}}}";
        String review = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"operation\":\"UPDATE\",\"resource\":{\"resource\":\"pods\"},\"namespace\":\"n\",\"name\":\"p\","
                + "\"object\":" + after + ",\"oldObject\":" + before + "}}";

        PodUpdatePolicy.Verdict verdict = new PodUpdatePolicy(PodKeys.DEFAULT, Duration.ofHours(24), true, Set.of())
                .evaluate(AdmissionRequest.parse(review.getBytes()), Instant.now());

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message()).contains(fixture.path("labels").path("initialInteractionTimestamp").asText())
                .contains(fixture.path("labels").path("ttlDuration").asText());
    }

    @Test
    void theControllerRecordsTheHistoryExactlyAsTheContractWritesIt() {
        JsonNode history = fixture.path("interactionHistory");
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            client.pods().inNamespace("n").resource(new PodBuilder().withNewMetadata().withName("p").endMetadata()
                    .build()).create();
            InteractionRecorder recorder = new InteractionRecorder(client, PodKeys.DEFAULT,
                    new TtlPolicy(PodKeys.DEFAULT, Duration.ofMinutes(10), Duration.ofHours(24)),
                    new TrackingOptOut(PodKeys.DEFAULT), new PodEvents(Clock.systemUTC(), "test", false),
                    new Metrics());

            for (JsonNode e : history.path("entries")) {
                recorder.record(new Interaction("n", "p", e.path("user").asText(), strings(e.path("groups")),
                        InteractionKind.valueOf(e.path("kind").asText().toUpperCase(Locale.ROOT)),
                        e.path("container").asText(), strings(e.path("command")),
                        GoTime.parse(e.path("time").asText())));
            }

            assertThat(client.pods().inNamespace("n").withName("p").get().getMetadata().getAnnotations())
                    .containsEntry(PodKeys.DEFAULT.interactions(), history.path("annotation").asText());
        } finally {
            server.destroy();
        }
    }

    @Test
    void theHistoryKeepsTheContractsNumberOfEntriesDroppingTheOldest() {
        assertThat(PodInteractions.MAX_ENTRIES)
                .isEqualTo(fixture.path("interactionHistory").path("maxEntries").asInt());
        List<Object> list = new ArrayList<>();
        for (int i = 1; i <= PodInteractions.MAX_ENTRIES + 1; i++) {
            list = PodInteractions.append(list, PodInteractions.Entry.of("user-" + i, List.of(), "exec", "", List.of(),
                    Instant.ofEpochSecond(1634407604L + i)));
        }

        List<PodInteractions.Entry> kept = PodInteractions.read(list);
        assertThat(kept).hasSize(PodInteractions.MAX_ENTRIES);
        assertThat(kept.get(0).user()).isEqualTo("user-2");
        assertThat(kept.get(kept.size() - 1).user()).isEqualTo("user-" + (PodInteractions.MAX_ENTRIES + 1));
    }

    @Test
    void entriesTheControllerDoesNotKnowAreKeptAsTheyAre() throws IOException {
        Object existing = JSON.readValue("[{\"user\":\"alice\",\"kind\":\"exec\",\"source\":\"a later version\"}]",
                Object.class);

        List<Object> appended = PodInteractions.append((List<?>) existing, PodInteractions.Entry.of("bob",
                List.of("dev"), "cp", "app", List.of("tar"), Instant.parse("2021-10-16T18:06:44.900Z")));

        assertThat(JSON.writeValueAsString(appended)).isEqualTo("[{\"user\":\"alice\",\"kind\":\"exec\","
                + "\"source\":\"a later version\"},{\"user\":\"bob\",\"groups\":[\"dev\"],\"kind\":\"cp\","
                + "\"container\":\"app\",\"command\":[\"tar\"],\"time\":\"2021-10-16 18:06:44 +0000 UTC\"}]");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> map(JsonNode node) {
        return JSON.convertValue(node, JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }
}
