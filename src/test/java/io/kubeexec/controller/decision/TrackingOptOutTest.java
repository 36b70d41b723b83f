package io.kubeexec.controller.decision;

import io.kubeexec.contract.PodKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Opt-out by label: box.com/podInteractionTracking=disabled on the pod or on its namespace. */
class TrackingOptOutTest {

    private static final TrackingOptOut OPT_OUT = new TrackingOptOut(PodKeys.DEFAULT);

    @ParameterizedTest(name = "pod \"{0}\", namespace \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "-         | -         | -",
            "disabled  | -         | pod label box.com/podInteractionTracking=disabled",
            "-         | disabled  | namespace label box.com/podInteractionTracking=disabled",
            "disabled  | disabled  | pod label box.com/podInteractionTracking=disabled",
            "enabled   | disabled  | namespace label box.com/podInteractionTracking=disabled",
            "Disabled  | -         | -",
            "false     | -         | -",
            "''        | ''        | -",
    })
    void onlyTheExactValueDisabledOptsOut(String pod, String namespace, String reason) {
        assertThat(OPT_OUT.reason(labels(pod), labels(namespace)).orElse(null)).isEqualTo(reason);
    }

    private static Map<String, String> labels(String value) {
        Map<String, String> labels = new HashMap<>(Map.of("app", "demo"));
        if (value != null) {
            labels.put("box.com/podInteractionTracking", value);
        }
        return labels;
    }
}
