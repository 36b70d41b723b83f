package io.kubeexec.controller.decision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** When the scan tries again after a failed or blocked eviction. */
class EvictionBackoffTest {

    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    @ParameterizedTest(name = "scan every {0}: failure #{1} waits {2}")
    @CsvSource(delimiter = '|', textBlock = """
            5s    | 1  | PT5S
            5s    | 2  | PT10S
            5s    | 3  | PT20S
            5s    | 6  | PT2M40S
            5s    | 7  | PT5M
            5s    | 8  | PT5M
            5s    | 40 | PT5M
            200ms | 1  | PT0.2S
            200ms | 5  | PT3.2S
            1h    | 1  | PT5M
            """)
    void waitsOneScanIntervalThenDoublesUpToFiveMinutes(String interval, int failure, Duration expectedWait) {
        EvictionBackoff backoff = new EvictionBackoff(io.kubeexec.contract.GoDuration.parse(interval));
        EvictionBackoff.Retry retry = null;
        for (int i = 1; i <= failure; i++) {
            retry = backoff.failed("uid-1", T0);
        }

        assertThat(retry.failures()).isEqualTo(failure);
        assertThat(Duration.between(T0, retry.next())).isEqualTo(expectedWait);
    }

    @ParameterizedTest(name = "{0} after a first failure at T0 (scan every 5s): may try = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            PT0S     | false
            PT4.999S | false
            PT5S     | true
            PT1M     | true
            """)
    void aPodWaitsOutItsBackoff(Duration after, boolean mayTry) {
        EvictionBackoff backoff = new EvictionBackoff(Duration.ofSeconds(5));
        backoff.failed("uid-1", T0);

        assertThat(backoff.mayTry("uid-1", T0.plus(after))).isEqualTo(mayTry);
        assertThat(backoff.mayTry("uid-2", T0)).as("another pod is not held up").isTrue();
    }

    @Test
    void aSuccessOrThePodLeavingTheListForgetsTheBackoff() {
        EvictionBackoff backoff = new EvictionBackoff(Duration.ofSeconds(5));
        backoff.failed("evicted", T0);
        backoff.failed("gone", T0);
        backoff.failed("still-blocked", T0);

        backoff.succeeded("evicted");
        backoff.forgetAllBut(Set.of("evicted", "still-blocked"));

        assertThat(backoff.mayTry("evicted", T0)).isTrue();
        assertThat(backoff.mayTry("gone", T0)).isTrue();
        assertThat(backoff.mayTry("still-blocked", T0)).isFalse();
        assertThat(backoff.failed("gone", T0).failures()).as("starts over").isEqualTo(1);
    }
}
