package io.kubeexec.controller.pending;

import io.kubeexec.controller.admission.ExtensionRequest;
import io.kubeexec.controller.admission.Interaction;
import io.kubeexec.controller.admission.QueuedWork;
import io.kubeexec.controller.admission.WorkQueue;
import io.kubeexec.controller.decision.ApiOutcome;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ledger of accepted but not yet recorded work: an entry is added when the webhook queues an interaction or an
 * extension, and removed when a worker has recorded it on the pod or it can never be recorded (the pod is gone, the
 * API refused it for good). What is in it at any moment is exactly what the process would lose if it stopped now,
 * whether the work still waits in a queue or waits for a retry (retries wait without holding a worker, so the
 * queue alone does not show them).
 * <p>
 * It also keeps the latest word on the API server (did a call answer, or fail in a way that may succeed later), and
 * when work last got done: the admission rule for {@code -on-unrecordable} and the shutdown's hand-over read them.
 */
public final class PendingWork {

    /** One accepted piece of work; {@code id} travels with it through the queue (header {@link #HEADER}). */
    public record Item(long id, QueuedWork work, Replay replay, Instant accepted) {

        public WorkQueue queue() {
            return work.queue();
        }

        /** One line for the operator: namespace, pod, user, kind and time of the interaction or extension. */
        public String describe() {
            if (work instanceof Interaction i) {
                return String.format("queue=%s namespace=%s pod=%s user=%s kind=%s container=%s time=%s", queue(),
                        i.namespace(), i.pod(), i.username(), i.kind().label(), i.container(), time(i.time()));
            }
            ExtensionRequest e = (ExtensionRequest) work; // the only other kind of QueuedWork
            return String.format("queue=%s namespace=%s pod=%s user=%s kind=extension extension=%s time=%s",
                    queue(), e.namespace(), e.pod(), e.username(), e.extensionText(), time(e.time()));
        }

        private static Instant time(Instant instant) {
            return instant.truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /** The exchange header that carries an item's id from the webhook to its worker. */
    public static final String HEADER = "KecPendingWork";

    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<WorkQueue, ConcurrentSkipListMap<Long, Item>> byQueue = new ConcurrentHashMap<>();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong notRecordable = new AtomicLong();
    private final AtomicReference<Instant> lastDone = new AtomicReference<>();
    private final AtomicReference<ApiOutcome> latestApiOutcome = new AtomicReference<>();

    public PendingWork(Clock clock) {
        this.clock = clock;
    }

    /** The webhook is about to queue {@code work}; returns the id its worker reports back with. */
    public long accept(QueuedWork work, Replay replay) {
        long id = ids.incrementAndGet();
        byQueue.computeIfAbsent(work.queue(), q -> new ConcurrentSkipListMap<>())
                .put(id, new Item(id, work, replay, clock.instant()));
        return id;
    }

    /** The queue refused it (full): it was never accepted, the webhook answers for it. */
    public void notQueued(Long id) {
        remove(id);
    }

    /**
     * A worker recorded it on the pod (or found nothing left to record: the pod is gone or opted out). A null id is
     * work that did not come through the webhook's queueing (an operator's route feeding a queue directly).
     */
    public void recorded(Long id) {
        if (remove(id)) {
            recorded.incrementAndGet();
        }
        Instant now = clock.instant();
        lastDone.set(now);
        latestApiOutcome.set(ApiOutcome.answered(now));
    }

    /**
     * It can never be recorded: the API refused it for good (400, 403, 404, 422), which the route logs. Called for a
     * failed Event too, after the pod was recorded: then the id is no longer pending and only the answer counts.
     */
    public void notRecordable(Long id) {
        if (remove(id)) {
            notRecordable.incrementAndGet();
        }
        Instant now = clock.instant();
        lastDone.set(now);
        latestApiOutcome.set(ApiOutcome.answered(now));
    }

    /** A call to the API server failed in a way that may succeed later (no answer, 5xx, 429). */
    public void apiFailed(String failure) {
        latestApiOutcome.set(ApiOutcome.failed(clock.instant(), failure));
    }

    /** A call to the API server answered (a probe, or a worker's call). */
    public void apiAnswered() {
        latestApiOutcome.set(ApiOutcome.answered(clock.instant()));
    }

    public Optional<ApiOutcome> latestApiOutcome() {
        return Optional.ofNullable(latestApiOutcome.get());
    }

    /** When a worker last finished a piece of work, recorded or not recordable. */
    public Optional<Instant> lastDone() {
        return Optional.ofNullable(lastDone.get());
    }

    /** The longest-waiting item of a queue. */
    public Optional<Item> oldest(WorkQueue queue) {
        ConcurrentSkipListMap<Long, Item> items = byQueue.get(queue);
        if (items == null) {
            return Optional.empty();
        }
        Map.Entry<Long, Item> first = items.firstEntry();
        return first == null ? Optional.empty() : Optional.of(first.getValue());
    }

    public int size(WorkQueue queue) {
        ConcurrentSkipListMap<Long, Item> items = byQueue.get(queue);
        return items == null ? 0 : items.size();
    }

    public int size() {
        return byQueue.values().stream().mapToInt(Map::size).sum();
    }

    /** Everything still pending, oldest first within each queue. */
    public List<Item> items() {
        List<Item> all = new ArrayList<>();
        byQueue.values().forEach(items -> all.addAll(items.values()));
        return all;
    }

    /** A peer took it over: it is the peer's to record now. */
    public void handedOver(long id) {
        remove(id);
    }

    /** Recorded by the workers since the start. */
    public long recordedCount() {
        return recorded.get();
    }

    private boolean remove(Long id) {
        if (id == null) {
            return false;
        }
        for (ConcurrentSkipListMap<Long, Item> items : byQueue.values()) {
            if (items.remove(id) != null) {
                return true;
            }
        }
        return false;
    }
}
