package io.kubeexec.controller.kube;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Event times as the API server parses MicroTime: always six fraction digits, UTC. */
class PodEventsTest {

    @ParameterizedTest(name = "{0} is written as {1}")
    @CsvSource({
            "2026-11-28T19:29:32.924Z,        2026-11-28T19:29:32.924000Z",
            "2026-11-28T19:29:32Z,            2026-11-28T19:29:32.000000Z",
            "2026-11-28T19:29:32.123456789Z,  2026-11-28T19:29:32.123456Z",
            "2026-11-28T19:29:32.000001Z,     2026-11-28T19:29:32.000001Z",
    })
    void eventTimesHaveExactlySixFractionDigits(String now, String expected) {
        PodEvents events = new PodEvents(Clock.fixed(Instant.parse(now), ZoneOffset.UTC), "test");

        PodEvent event = events.interacted(new PodRef("ns", "pod", "uid"), "alice", Instant.parse(now));

        assertThat(event.event().build().getEventTime().getTime()).isEqualTo(expected);
    }
}
