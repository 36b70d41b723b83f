package io.kubeexec.controller.decision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When the shutdown drain stops waiting for the API server and hands the rest to a peer. */
class HandoverTimingTest {

    private static final HandoverTiming TIMING = new HandoverTiming(Duration.ofSeconds(40));
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @ParameterizedTest(name = "peers {0}, {1} pending, drained {2}s, work done {3}s ago, API {4} -> hand over {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // peers | pending | drained | since work done | API      | hand over
            "true    | 0       | 35      | -               | failed   | false",
            "false   | 12      | 35      | 300             | failed   | false",
            "true    | 12      | 0       | 300             | failed   | true",
            "true    | 12      | 0       | -               | failed   | true",
            "true    | 12      | 0       | 4               | failed   | false",
            "true    | 12      | 3       | 5               | failed   | true",
            "true    | 12      | 10      | 60              | answered | false",
            "true    | 12      | 10      | -               | -        | false",
            "true    | 12      | 29      | 0               | answered | false",
            "true    | 12      | 30      | 0               | answered | true",
            "true    | 1       | 31      | 0               | -        | true",
    })
    void handsOverWhenTheApiServerIsNotAnsweringAndNothingGetsDoneOrWhenTheBudgetRunsLow(boolean peers,
            int pending, long drained, Long sinceWorkDone, String api, boolean handOver) {
        Optional<ApiOutcome> latest = Optional.ofNullable(api).map(word -> word.equals("answered")
                ? ApiOutcome.answered(NOW) : ApiOutcome.failed(NOW, "Connection refused"));

        HandoverTiming.Decision decision = TIMING.decide(peers, pending, Duration.ofSeconds(drained),
                Optional.ofNullable(sinceWorkDone).map(Duration::ofSeconds), latest);

        assertThat(decision.handOver()).as(decision.reason()).isEqualTo(handOver);
    }

    @Test
    void theReasonSaysWhy() {
        assertThat(TIMING.decide(true, 3, Duration.ofSeconds(2), Optional.of(Duration.ofSeconds(75)),
                Optional.of(ApiOutcome.failed(NOW, "Connection refused"))).reason())
                .isEqualTo("the Kubernetes API server is not answering (Connection refused), nothing was recorded"
                        + " for 1m15s, and 3 items are still unrecorded");
        assertThat(TIMING.decide(true, 1, Duration.ofSeconds(30), Optional.of(Duration.ZERO),
                Optional.of(ApiOutcome.answered(NOW))).reason())
                .isEqualTo("the drain has run 30s of its 40s and 1 item is still unrecorded");
    }

    @Test
    void aShortDrainTimeoutHandsOverAtOnce() {
        assertThat(new HandoverTiming(Duration.ofSeconds(8)).handOverBy()).isZero();
        assertThat(TIMING.handOverBy()).isEqualTo(Duration.ofSeconds(30));
    }
}
