package io.kubeexec.controller.decision;

import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Deny by label: box.com/podInteractionPolicy=deny on the pod or its namespace denies every way into a container. */
class InteractionDenialTest {

    private static final InteractionDenial DENIAL = new InteractionDenial(PodKeys.DEFAULT);

    @ParameterizedTest(name = "{0} with pod \"{1}\", namespace \"{2}\" -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            EXEC        | -     | -     | -
            EXEC        | deny  | -     | kubectl exec is denied by the pod's label box.com/podInteractionPolicy=deny
            EXEC        | -     | deny  | kubectl exec is denied by the namespace's label box.com/podInteractionPolicy=deny
            EXEC        | deny  | deny  | kubectl exec is denied by the pod's label box.com/podInteractionPolicy=deny
            ATTACH      | -     | deny  | kubectl attach is denied by the namespace's label box.com/podInteractionPolicy=deny
            CP          | deny  | -     | kubectl cp is denied by the pod's label box.com/podInteractionPolicy=deny
            DEBUG       | -     | deny  | kubectl debug is denied by the namespace's label box.com/podInteractionPolicy=deny
            PORTFORWARD | deny  | deny  | -
            EXEC        | Deny  | -     | -
            EXEC        | allow | deny  | kubectl exec is denied by the namespace's label box.com/podInteractionPolicy=deny
            EXEC        | ''    | ''    | -
            """)
    void onlyTheExactValueDenyDeniesAndPortForwardIsNeverDenied(InteractionKind kind, String pod, String namespace,
            String message) {
        assertThat(DENIAL.message(kind, labels(pod), labels(namespace)).orElse(null)).isEqualTo(message);
    }

    @ParameterizedTest(name = "prefix {0}: the label is {0}podInteractionPolicy")
    @CsvSource({"example.org/", "''"})
    void theLabelFollowsTheKeyPrefix(String prefix) {
        InteractionDenial custom = new InteractionDenial(new PodKeys(prefix));

        assertThat(custom.denies(Map.of(prefix + "podInteractionPolicy", "deny"))).isTrue();
        assertThat(custom.denies(Map.of("box.com/podInteractionPolicy", "deny"))).isEqualTo(prefix.equals("box.com/"));
    }

    private static Map<String, String> labels(String value) {
        Map<String, String> labels = new HashMap<>(Map.of("app", "demo"));
        if (value != null) {
            labels.put("box.com/podInteractionPolicy", value);
        }
        return labels;
    }
}
