package io.kubeexec.controller.pending;

import io.kubeexec.controller.admission.WorkQueue;
import io.kubeexec.controller.admission.ExtensionRequest;
import io.kubeexec.controller.admission.Interaction;
import io.kubeexec.controller.admission.InteractionKind;
import io.kubeexec.controller.decision.ApiOutcome;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger of accepted but unrecorded work: what a stop now would lose, and the latest word on the API server. */
class PendingWorkTest {

    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00.250Z");
    private final MutableClock clock = new MutableClock(T0);
    private final PendingWork pending = new PendingWork(clock);

    @Test
    void workStaysUntilRecordedOrFoundUnrecordableAndTheOldestComesFirst() {
        long first = pending.accept(exec("web-1"), null);
        clock.advance(Duration.ofSeconds(5));
        long second = pending.accept(exec("web-2"), null);
        long extension = pending.accept(extension("web-3"), null);

        assertThat(pending.size()).isEqualTo(3);
        assertThat(pending.oldest(WorkQueue.interact)).hasValueSatisfying(item -> {
            assertThat(item.id()).isEqualTo(first);
            assertThat(item.accepted()).isEqualTo(T0);
        });

        pending.recorded(first);
        pending.notRecordable(extension);

        assertThat(pending.items()).extracting(PendingWork.Item::id).containsExactly(second);
        assertThat(pending.oldest(WorkQueue.interact)).hasValueSatisfying(item -> assertThat(item.id()).isEqualTo(second));
        assertThat(pending.oldest(WorkQueue.extend)).isEmpty();
        assertThat(pending.recordedCount()).isEqualTo(1);
    }

    @Test
    void workTheQueueRefusedOrAPeerTookIsNoLongerPendingAndNotCountedAsRecorded() {
        long refused = pending.accept(exec("web-1"), null);
        long handedOver = pending.accept(exec("web-2"), null);

        pending.notQueued(refused);
        pending.handedOver(handedOver);

        assertThat(pending.size()).isZero();
        assertThat(pending.recordedCount()).isZero();
    }

    @Test
    void anUnknownOrMissingIdChangesNothingButStillCountsAsAnAnswer() {
        pending.accept(exec("web-1"), null);
        pending.apiFailed("refused");

        pending.recorded(null);
        pending.recorded(999L);

        assertThat(pending.size()).isEqualTo(1);
        assertThat(pending.recordedCount()).isZero();
        assertThat(pending.latestApiOutcome()).hasValueSatisfying(o -> assertThat(o.answered()).isTrue());
    }

    @Test
    void theLatestWordOnTheApiServerWins() {
        assertThat(pending.latestApiOutcome()).isEmpty();
        assertThat(pending.lastDone()).isEmpty();

        pending.apiFailed("GET pod shop/web-1 failed (HTTP 503)");
        assertThat(pending.latestApiOutcome()).hasValue(ApiOutcome.failed(T0, "GET pod shop/web-1 failed (HTTP 503)"));

        clock.advance(Duration.ofSeconds(1));
        pending.apiAnswered();
        assertThat(pending.latestApiOutcome()).hasValue(ApiOutcome.answered(T0.plusSeconds(1)));
        assertThat(pending.lastDone()).as("a probe's answer is no work done").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        pending.recorded(pending.accept(exec("web-1"), null));
        assertThat(pending.lastDone()).hasValue(T0.plusSeconds(2));
    }

    @Test
    void eachItemDescribesItselfForTheOperatorOnOneLine() {
        pending.accept(exec("web-1"), null);
        pending.accept(extension("web-3"), null);

        assertThat(pending.items()).extracting(PendingWork.Item::describe).containsExactlyInAnyOrder(
                "queue=interact namespace=shop pod=web-1 user=alice kind=exec container=app"
                        + " time=2026-12-03T11:59:59Z",
                "queue=extend namespace=shop pod=web-3 user=bob kind=extension extension=30m"
                        + " time=2026-12-03T11:59:58Z");
    }

    private static Interaction exec(String pod) {
        return new Interaction("shop", pod, "alice", List.of("system:authenticated"), InteractionKind.EXEC, "app",
                List.of("sh"), T0.minusMillis(1000));
    }

    private static ExtensionRequest extension(String pod) {
        return new ExtensionRequest("shop", pod, "uid-1", "30m", Duration.ofMinutes(30), "bob",
                T0.minusSeconds(2));
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
