package io.kubeexec.controller.pending;

import io.kubeexec.controller.decision.ApiOutcome;
import io.kubeexec.controller.work.ExtensionRequest;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import io.kubeexec.controller.work.QueuedWork;
import io.kubeexec.controller.work.WorkQueue;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ledger of accepted but unrecorded work: one entry per pod, what a stop now would lose, when it is tried again,
 * and the latest word on the API server.
 */
class PendingWorkTest {

    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00.250Z");
    private final MutableClock clock = new MutableClock(T0);
    private final PendingWork pending = new PendingWork(clock);

    @Test
    void workStaysUntilRecordedOrFoundUnrecordableAndTheOldestComesFirst() {
        long first = queued(exec("web-1"));
        clock.advance(Duration.ofSeconds(5));
        long second = queued(exec("web-2"));
        long extension = queued(extension("web-3"));

        assertThat(pending.size()).isEqualTo(3);
        assertThat(pending.oldest(WorkQueue.interact)).hasValueSatisfying(item -> {
            assertThat(item.id()).isEqualTo(first);
            assertThat(item.accepted()).isEqualTo(T0);
        });

        pending.started(first);
        pending.finished(first, true);
        pending.started(extension);
        pending.finished(extension, false);

        assertThat(pending.items()).extracting(PendingWork.Item::id).containsExactly(second);
        assertThat(pending.oldest(WorkQueue.interact)).hasValueSatisfying(item -> assertThat(item.id()).isEqualTo(second));
        assertThat(pending.oldest(WorkQueue.extend)).isEmpty();
        assertThat(pending.recordedCount()).isEqualTo(1);
    }

    @Test
    void workForAPodThatAlreadyWaitsJoinsItsEntryAndTheWorkerGetsAllOfItInOneBody() {
        long id = queued(exec("web-1"));
        PendingWork.Admission again = pending.accept(exec("web-1", "bob"), null);
        PendingWork.Admission third = pending.accept(exec("web-1", "carol"), null);

        assertThat(again.outcome()).isEqualTo(PendingWork.Admission.Outcome.COALESCED);
        assertThat(third.id()).isEqualTo(id);
        assertThat(pending.size()).as("pods").isEqualTo(1);
        assertThat(pending.items()).hasSize(3);
        assertThat(pending.itemCount(WorkQueue.interact)).isEqualTo(3);
        assertThat(pending.itemCount(WorkQueue.extend)).isZero();
        Interaction body = (Interaction) pending.started(id);
        assertThat(body.username()).as("the first decides the labels").isEqualTo("alice");
        assertThat(body.coalesced()).extracting(Interaction::username).containsExactly("bob", "carol");

        pending.finished(id, true);
        assertThat(pending.size()).isZero();
        assertThat(pending.itemCount(WorkQueue.interact)).isZero();
        assertThat(pending.recordedCount()).isEqualTo(3);
    }

    @Test
    void theSecondReviewOfAnExecIsNotAddedWhileTheFirstWaitsOrIsBeingRecordedAndIsCounted() {
        AtomicInteger repeats = new AtomicInteger();
        pending.whenRepeated(repeats::incrementAndGet);
        Interaction first = exec("web-1");
        long id = queued(first);
        Interaction fallback = new Interaction("shop", "web-1", "alice", first.groups(), InteractionKind.EXEC, "app",
                List.of("sh"), first.time().plusMillis(14));

        assertThat(pending.accept(fallback, null)).isEqualTo(new PendingWork.Admission(id,
                PendingWork.Admission.Outcome.REPEAT));
        pending.started(id);
        assertThat(pending.accept(fallback, null).outcome()).as("while being recorded")
                .isEqualTo(PendingWork.Admission.Outcome.REPEAT);
        assertThat(pending.accept(exec("web-1", "bob"), null).outcome()).as("another user's exec")
                .isEqualTo(PendingWork.Admission.Outcome.COALESCED);
        assertThat(pending.itemCount()).isEqualTo(2);
        assertThat(repeats).hasValue(2);

        pending.finished(id, true);
        assertThat(pending.recordedCount()).isEqualTo(1);
        assertThat(pending.items()).extracting(item -> ((Interaction) item.work()).username()).containsExactly("bob");
    }

    @Test
    void anEntryKeepsItsFirstAndLatestInteractionsOnlyAsTheHistoryDoes() {
        long id = queued(exec("web-1", "user-0"));
        for (int i = 1; i < 100; i++) {
            pending.accept(exec("web-1", "user-" + i), null);
        }

        Interaction body = (Interaction) pending.started(id);
        assertThat(body.all()).hasSize(PendingWork.KEPT);
        assertThat(body.username()).isEqualTo("user-0");
        assertThat(body.coalesced().get(body.coalesced().size() - 1).username()).isEqualTo("user-99");
        assertThat(pending.pods()).singleElement().satisfies(pod -> {
            assertThat(pod.leftOut()).isEqualTo(100 - PendingWork.KEPT);
            assertThat(pod.describe()).contains("user=user-0").contains("and 99 more for this pod");
        });
    }

    @Test
    void whatArrivesWhileAnAttemptFailsIsTrimmedBackToWhatTheHistoryKeeps() {
        long id = queued(exec("web-1", "user-0"));
        pending.started(id);
        for (int i = 1; i < 50; i++) {
            pending.accept(exec("web-1", "user-" + i), null);
        }

        pending.failed(id, "no answer");

        Interaction body = (Interaction) pending.started(id);
        assertThat(body.all()).hasSize(PendingWork.KEPT);
        assertThat(body.username()).isEqualTo("user-0");
        assertThat(pending.itemCount()).isEqualTo(PendingWork.KEPT);
        assertThat(pending.finished(id, true)).as("left out").isEqualTo(50 - PendingWork.KEPT);
        assertThat(pending.itemCount()).isZero();
    }

    @Test
    void aLaterExtensionReplacesTheOneStillWaiting() {
        long id = queued(extension("web-3"));
        pending.accept(new ExtensionRequest("shop", "web-3", "uid-1", "2h", Duration.ofHours(2), "carol", T0), null);

        assertThat(pending.started(id)).isInstanceOfSatisfying(ExtensionRequest.class,
                e -> assertThat(e.extensionText()).isEqualTo("2h"));
        assertThat(pending.items()).hasSize(1);
    }

    @Test
    void workThatArrivesWhileAWorkerRecordsItsPodIsQueuedAgainOnceTheWorkerIsDone() throws Exception {
        List<QueuedWork> requeued = new CopyOnWriteArrayList<>();
        pending.requeueWith((queue, id, body) -> requeued.add(body));
        long id = queued(exec("web-1"));
        pending.started(id);
        pending.accept(exec("web-1", "bob"), null);

        pending.finished(id, true);

        await().atMost(Duration.ofSeconds(5)).until(() -> requeued.size() == 1);
        assertThat(((Interaction) requeued.get(0)).username()).isEqualTo("bob");
        assertThat(pending.items()).extracting(item -> ((Interaction) item.work()).username()).containsExactly("bob");
        assertThat(pending.recordedCount()).isEqualTo(1);
    }

    @Test
    void aFailureThatMaySucceedLaterWaitsWithBackoffAndIsQueuedAgainAFullQueueIsTriedAgainNeverDropped()
            throws Exception {
        AtomicInteger offers = new AtomicInteger();
        pending.requeueWith((queue, id, body) -> offers.incrementAndGet() > 1); // full once, then room
        long id = queued(exec("web-1"));
        pending.started(id);

        Optional<PendingWork.Retry> retry = pending.failed(id, "GET pod shop/web-1 failed (HTTP 0)");

        assertThat(retry).hasValueSatisfying(r -> {
            assertThat(r.failures()).isEqualTo(1);
            assertThat(r.delay()).isEqualTo(Duration.ofMillis(500));
        });
        assertThat(pending.latestApiOutcome()).hasValueSatisfying(o -> assertThat(o.answered()).isFalse());
        await().atMost(Duration.ofSeconds(5)).until(() -> offers.get() == 2);
        assertThat(pending.size()).isEqualTo(1);
        pending.started(id);
        assertThat(pending.failed(id, "again")).hasValueSatisfying(r -> assertThat(r.failures()).isEqualTo(2));
    }

    @Test
    void atTheBoundWorkThatWouldGrowTheLedgerIsRefusedWorkThatReplacesWaitingWorkIsNot() {
        PendingWork bounded = new PendingWork(clock, 2);
        assertThat(bounded.accept(extension("web-3"), null).toQueue()).isTrue();
        assertThat(bounded.accept(exec("web-1"), null).toQueue()).isTrue();

        assertThat(bounded.accept(exec("web-2"), null).full()).as("a new pod").isTrue();
        assertThat(bounded.accept(exec("web-1", "bob"), null).full()).as("one more for a waiting pod").isTrue();
        assertThat(bounded.accept(new ExtensionRequest("shop", "web-3", "uid-1", "2h", Duration.ofHours(2), "carol",
                T0), null).outcome()).as("an extension replacing the waiting one")
                .isEqualTo(PendingWork.Admission.Outcome.COALESCED);
        assertThat(bounded.itemCount()).isEqualTo(2);
    }

    @Test
    void workTheQueueRefusedOrAPeerTookIsNoLongerPendingAndNotCountedAsRecorded() {
        long refused = queued(exec("web-1"));
        queued(exec("web-2"));

        pending.notQueued(refused);
        pending.handedOver(pending.items());

        assertThat(pending.size()).isZero();
        assertThat(pending.recordedCount()).isZero();
    }

    @Test
    void anUnknownOrMissingIdChangesNothingButStillCountsAsAnAnswer() {
        queued(exec("web-1"));
        pending.apiFailed("refused");

        pending.finished(null, true);
        pending.finished(999L, true);

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
        long id = queued(exec("web-1"));
        pending.started(id);
        pending.finished(id, true);
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

    private long queued(QueuedWork work) {
        PendingWork.Admission admission = pending.accept(work, null);
        assertThat(admission.toQueue()).isTrue();
        return admission.id();
    }

    private static Interaction exec(String pod, String user) {
        return new Interaction("shop", pod, user, List.of("system:authenticated"), InteractionKind.EXEC, "app",
                List.of("sh"), T0.minusMillis(1000));
    }

    private static Interaction exec(String pod) {
        return exec(pod, "alice");
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
