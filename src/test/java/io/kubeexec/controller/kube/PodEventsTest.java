package io.kubeexec.controller.kube;

import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Event times as the API server parses MicroTime (always six fraction digits, UTC), and the audit-mode texts. */
class PodEventsTest {

    @ParameterizedTest(name = "{0} is written as {1}")
    @CsvSource({
            "2026-11-28T19:29:32.924Z,        2026-11-28T19:29:32.924000Z",
            "2026-11-28T19:29:32Z,            2026-11-28T19:29:32.000000Z",
            "2026-11-28T19:29:32.123456789Z,  2026-11-28T19:29:32.123456Z",
            "2026-11-28T19:29:32.000001Z,     2026-11-28T19:29:32.000001Z",
    })
    void eventTimesHaveExactlySixFractionDigits(String now, String expected) {
        PodEvents events = new PodEvents(Clock.fixed(Instant.parse(now), ZoneOffset.UTC), "test", false);

        PodEvent event = events.interacted(new PodRef("ns", "pod", "uid"), InteractionKind.EXEC, "alice", Instant.parse(now));

        assertThat(event.event().build().getEventTime().getTime()).isEqualTo(expected);
    }

    private static final Instant NOW = Instant.parse("2026-11-28T20:00:00Z");
    private static final PodRef POD = new PodRef("ns", "pod", "uid");

    @Test
    void event2KeepsTheOriginalTextOutsideAuditMode() {
        PodEvents events = new PodEvents(Clock.fixed(NOW, ZoneOffset.UTC), "test", false);

        assertThat(events.willBeEvicted(POD, NOW.plusSeconds(600)).event().build().getNote())
                .isEqualTo("Pod will be evicted at time 2026-11-28 20:10:00 +0000 UTC (in about 10m0s)");
    }

    @Test
    void inAuditModeEvent2SaysThePodWouldBeEvicted() {
        PodEvents events = new PodEvents(Clock.fixed(NOW, ZoneOffset.UTC), "test", true);

        assertThat(events.willBeEvicted(POD, NOW.plusSeconds(600)).event().build().getNote())
                .isEqualTo("Pod would be evicted at time 2026-11-28 20:10:00 +0000 UTC (in about 10m0s);"
                        + " audit mode (-dry-run) never evicts");
    }

    @Test
    void inAuditModeADuePodIsAnnouncedAsWouldBeEvicted() {
        PodEvents events = new PodEvents(Clock.fixed(NOW, ZoneOffset.UTC), "test", true);

        PodEvent event = events.wouldBeEvicted(POD, NOW.minusSeconds(1));

        assertThat(event.event().build().getNote()).isEqualTo("Pod would be evicted at time"
                + " 2026-11-28 19:59:59 +0000 UTC because its interaction TTL expired; audit mode (-dry-run) never evicts");
        assertThat(event.event().build().getAction()).isEqualTo("Evict");
    }

    @ParameterizedTest(name = "{0}: Event 1 names {1}")
    @CsvSource({
            "EXEC,        kubectl exec/attach",
            "ATTACH,      kubectl exec/attach",
            "CP,          kubectl cp",
            "PORTFORWARD, kubectl port-forward",
            "DEBUG,       kubectl debug",
    })
    void event1KeepsTheOriginalsTextForExecAndAttachAndNamesTheOtherKinds(InteractionKind kind, String command) {
        PodEvents events = new PodEvents(Clock.fixed(NOW, ZoneOffset.UTC), "test", false);

        assertThat(events.interacted(POD, kind, "alice", NOW).event().build().getNote()).isEqualTo(
                "Pod was interacted with '" + command + "' command by a user 'alice' initially at time "
                        + "2026-11-28 20:00:00 +0000 UTC");
    }
}
