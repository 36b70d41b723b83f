package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kubeexec.contract.PodInteractions;
import io.kubeexec.contract.PodKeys;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the controller's podInteractions annotation. */
class InteractionHistoryTest {

    @Test
    void theControllersAnnotationReadsBackEntryByEntryOldestFirst() {
        List<PodInteractions.Entry> h = PodRow.history(GetOutputTest.HISTORY);

        assertThat(h).hasSize(3);
        assertThat(h.get(0)).isEqualTo(new PodInteractions.Entry("alice",
                List.of("system:masters", "system:authenticated"), "exec", "app", List.of("sh", "-c", "ls /tmp"),
                "2021-10-16 18:06:44 +0000 UTC"));
        assertThat(h.get(2).kind()).isEqualTo("portforward");
        assertThat(h.get(2).instant()).contains(Instant.parse("2021-10-16T18:15:00Z"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void missingFieldsAndNullsAreAbsentNotErrors() {
        String annotation = " [{\"kind\":\"attach\",\"container\":null,\"command\":null}] ";
        List<PodInteractions.Entry> h = PodRow.history(annotation);

        assertThat(h).containsExactly(new PodInteractions.Entry(null, List.of(), "attach", null, List.of(), null));
        assertThat(h.get(0).instant()).isEmpty();
        PodRow row = PodRow.of(new PodMeta("default", "web-0", Map.of(), Map.of("box.com/podInteractions", annotation)),
                PodKeys.DEFAULT, true);
        assertThat((List<Map<String, Object>>) row.toMap().get("interactions")).singleElement()
                .satisfies(e -> assertThat(e).containsOnlyKeys("groups", "kind", "command"));
        assertThat(PodRow.history("[]")).isEmpty();
    }

    @ParameterizedTest(name = "{0} is unreadable: {1}")
    @CsvSource(delimiter = '|', value = {
        "not json                                  | invalid JSON at offset 0: invalid literal",
        "{\"user\":\"alice\"}                      | not a JSON array",
        "[{\"user\":\"alice\"},\"exec\"]           | entry 2 is not a JSON object",
        "[{\"user\":42}]                           | entry 1: \"user\" is not a string",
        "[{\"groups\":\"dev\"}]                    | entry 1: \"groups\" is not a list of strings",
        "[{\"command\":[\"sh\",1]}]                | entry 1: \"command\" is not a list of strings",
        "[{\"user\":\"alice\"}                     | invalid JSON at offset 17: unexpected end of input",
    })
    void anythingElseIsRefusedSayingWhere(String annotation, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> PodRow.history(annotation))
                .withMessage(message);
    }
}
