package io.kubeexec.controller.decision;

import io.kubeexec.contract.PodKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TTL by scope: the pod's annotation, else the namespace's, else -ttl-seconds; always capped by -max-ttl. */
class TtlPolicyTest {

    private static final String KEY = "box.com/podTTL";
    private static final TtlPolicy POLICY = new TtlPolicy(PodKeys.DEFAULT, Duration.ofMinutes(10), Duration.ofHours(2));

    @ParameterizedTest(name = "pod \"{0}\", namespace \"{1}\" -> {2} from {3}, {4} warning(s)")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // pod    | namespace | applied   | source                                            | warnings
            "-        | -         | PT10M     | -ttl-seconds                                      | 0",
            "30m      | -         | PT30M     | pod annotation box.com/podTTL=\"30m\"             | 0",
            "-        | 45m       | PT45M     | namespace annotation box.com/podTTL=\"45m\"       | 0",
            "30m      | 45m       | PT30M     | pod annotation box.com/podTTL=\"30m\"             | 0",
            "1h30m    | -         | PT1H30M   | pod annotation box.com/podTTL=\"1h30m\"           | 0",
            "0s       | -         | PT0S      | pod annotation box.com/podTTL=\"0s\"              | 0",
            "' 5m '   | -         | PT5M      | pod annotation box.com/podTTL=\" 5m \"            | 0",
            "3h       | -         | PT2H      | pod annotation box.com/podTTL=\"3h\", capped by -max-ttl | 1",
            "-        | 100h      | PT2H      | namespace annotation box.com/podTTL=\"100h\", capped by -max-ttl | 1",
            "2h       | -         | PT2H      | pod annotation box.com/podTTL=\"2h\"              | 0",
            "forever  | 45m       | PT45M     | namespace annotation box.com/podTTL=\"45m\"       | 1",
            "-5m      | -         | PT10M     | -ttl-seconds                                      | 1",
            "600      | -         | PT10M     | -ttl-seconds                                      | 1",
            "''       | ''        | PT10M     | -ttl-seconds                                      | 2",
            "1d       | oops      | PT10M     | -ttl-seconds                                      | 2",
    })
    void theMostSpecificReadableAnnotationWinsWithinTheMaximum(String pod, String namespace, Duration applied,
            String source, int warnings) {
        TtlPolicy.Applied result = POLICY.decide(annotation(pod), annotation(namespace));

        assertThat(result.ttl()).isEqualTo(applied);
        assertThat(result.source()).isEqualTo(source);
        assertThat(result.warnings()).hasSize(warnings);
    }

    @Test
    void aPassedOverAnnotationIsNamedInItsWarning() {
        TtlPolicy.Applied result = POLICY.decide(annotation("-5m"), annotation("3h"));

        assertThat(result.warnings()).containsExactly(
                "pod annotation box.com/podTTL=\"-5m\" is negative, ignored",
                "namespace annotation box.com/podTTL=\"3h\" exceeds -max-ttl, capped to 2h0m0s");
    }

    @Test
    void otherAnnotationsAndOtherPrefixesAreNotRead() {
        TtlPolicy custom = new TtlPolicy(new PodKeys("example.org/"), Duration.ofMinutes(10), Duration.ofHours(2));

        assertThat(custom.decide(annotation("30m"), Map.of()).ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(custom.decide(Map.of("example.org/podTTL", "30m"), Map.of()).ttl())
                .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aDefaultAboveTheMaximumIsRefused() {
        assertThatThrownBy(() -> new TtlPolicy(PodKeys.DEFAULT, Duration.ofHours(3), Duration.ofHours(2)))
                .hasMessage("the default TTL 3h0m0s exceeds the maximum 2h0m0s");
    }

    private static Map<String, String> annotation(String value) {
        Map<String, String> annotations = new HashMap<>(Map.of("app", "demo"));
        if (value != null) {
            annotations.put(KEY, value);
        }
        return annotations;
    }
}
