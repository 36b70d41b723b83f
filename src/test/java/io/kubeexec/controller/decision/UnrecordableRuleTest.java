package io.kubeexec.controller.decision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** -on-unrecordable: deny only in deny mode, past the bound, and while the API server's latest word is a failure. */
class UnrecordableRuleTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0}: oldest waited {1}s, API {2} -> denied {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // mode | oldest waited (s) | latest word on the API server | denied
            "allow  | 3600 | failed                     | false",
            "deny   | -    | failed                     | false",
            "deny   | 10   | failed                     | false",
            "deny   | 30   | failed                     | false",
            "deny   | 31   | failed                     | true",
            "deny   | 3600 | failed                     | true",
            "deny   | 3600 | answered                   | false",
            "deny   | 3600 | -                          | false",
    })
    void deniesOnlyInDenyModePastTheBoundWhileTheApiServerCannotBeReached(String mode, Long waited, String latest,
            boolean denied) {
        UnrecordableRule rule = new UnrecordableRule(mode.equals("deny"), BOUND);
        Optional<Instant> oldest = Optional.ofNullable(waited).map(NOW::minusSeconds);
        Optional<ApiOutcome> outcome = Optional.ofNullable(latest).map(word -> word.equals("answered")
                ? ApiOutcome.answered(NOW.minusSeconds(1)) : ApiOutcome.failed(NOW.minusSeconds(1), "refused"));

        assertThat(rule.denial(NOW, oldest, 3, outcome)).as("denial").matches(d -> d.isPresent() == denied);
    }

    @Test
    void theMessageSaysWhatCannotBeDoneWhyAndSinceWhen() {
        UnrecordableRule rule = new UnrecordableRule(true, BOUND);

        Optional<String> denial = rule.denial(NOW, Optional.of(NOW.minusSeconds(47)), 3,
                Optional.of(ApiOutcome.failed(NOW, "GET pod shop/web-1 failed (HTTP 0): Connection refused")));

        assertThat(denial).hasValue("kube-exec-controller cannot record interactions right now, so it denies them"
                + " (-on-unrecordable=deny): 3 accepted interactions are not recorded yet, the oldest for 47s,"
                + " because the Kubernetes API server cannot be reached (GET pod shop/web-1 failed (HTTP 0):"
                + " Connection refused). Retry once it answers again");
    }

    @Test
    void aLongFailureIsShortenedAndAMissingOneSaysNoAnswer() {
        UnrecordableRule rule = new UnrecordableRule(true, BOUND);

        String shortened = rule.denial(NOW, Optional.of(NOW.minusSeconds(60)), 1,
                Optional.of(ApiOutcome.failed(NOW, "x".repeat(1000)))).orElseThrow();
        String missing = rule.denial(NOW, Optional.of(NOW.minusSeconds(60)), 1,
                Optional.of(ApiOutcome.failed(NOW, null))).orElseThrow();

        assertThat(shortened).contains("1 accepted interaction is not recorded yet").contains("x".repeat(200) + "...")
                .doesNotContain("x".repeat(201));
        assertThat(missing).contains("cannot be reached (no answer)");
    }
}
