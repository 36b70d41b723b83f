package io.kubeexec.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeexec.controller.admission.AdmissionRequest;
import io.kubeexec.controller.admission.PodUpdatePolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's side of the pod-state contract: the keys it writes and protects, and the duration and time
 * formats it writes, are those of {@code contract/src/test/resources/pod-state-contract.json}, which
 * {@code kubectl pi}'s ContractFixtureTest checks too.
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
        JsonNode annotations = fixture.path("annotations");
        assertThat(keys.terminationTime()).isEqualTo(annotations.path("terminationTime").asText());
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

    private static Map<String, String> map(JsonNode node) {
        return JSON.convertValue(node, JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }
}
