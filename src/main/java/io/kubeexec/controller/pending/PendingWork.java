package io.kubeexec.controller.pending;


import io.kubeexec.contract.PodInteractions;
import io.kubeexec.controller.decision.ApiOutcome;
import io.kubeexec.controller.decision.RepeatedExec;
import io.kubeexec.controller.decision.RetryBackoff;
import io.kubeexec.controller.work.ExtensionRequest;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.QueuedWork;
import io.kubeexec.controller.work.Replay;
import io.kubeexec.controller.work.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The ledger of accepted but not yet recorded work, one entry per pod and queue. What is in it at any moment is
 * exactly what the process would lose if it stopped now, whether it waits in a queue, is being recorded, or waits for
 * its next attempt.
 * <p>
 * It owns the waiting. Work for a pod that already has an entry is coalesced into it rather than queued again: the
 * worker records everything an entry holds in one patch (the first interaction decides the labels; the history keeps
 * the last {@value PodInteractions#MAX_ENTRIES} anyway, so an entry keeps its first and latest interactions only;
 * an extension replaces the one still waiting; an interaction that repeats one it holds, kubectl's second review of
 * one exec ({@link RepeatedExec}), is not added at all). A failure that may succeed later puts the entry back to wait
 * ({@link RetryBackoff}) without holding a thread, and one timer thread of the ledger's puts it on its queue again
 * when due; a full queue then is tried again a second later, never dropped. So an API outage costs memory and
 * recovery calls per pod, not per exec, and it holds at most {@code maxPending} interactions and extensions: past
 * that, the webhook refuses new work as it does when a queue is full.
 * <p>
 * The bookkeeping is done by {@link LedgerPolicy} on the queues' consumers, never by the routes. It also keeps the
 * latest word on the API server and when work last got done: the admission rule for {@code -on-unrecordable} and the
 * shutdown's hand-over read them.
 */
public final class PendingWork implements AutoCloseable {

    /** One accepted interaction or extension, with what a peer needs to take it over. */
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

    /** What is pending for one pod on one queue: what a stop would lose, in one line per pod. */
    public record PodWork(WorkQueue queue, List<Item> items, int leftOut) {

        public String describe() {
            int more = items.size() - 1 + leftOut;
            return items.get(0).describe() + (more == 0 ? "" : " and " + more + " more for this pod, the latest at "
                    + Item.time(items.get(items.size() - 1).accepted()));
        }
    }

    /**
     * What {@link #accept} decided: queue the work under {@code id}, it joined its pod's entry, it repeats an
     * interaction the entry holds ({@link RepeatedExec}: nothing to add), or the ledger is full.
     */
    public record Admission(long id, Outcome outcome) {

        public enum Outcome { QUEUE, COALESCED, REPEAT, FULL }

        public boolean toQueue() {
            return outcome == Outcome.QUEUE;
        }

        public boolean full() {
            return outcome == Outcome.FULL;
        }
    }

    /** Puts an entry on its queue again: false when the queue is full. */
    @FunctionalInterface
    public interface Requeue {
        boolean offer(WorkQueue queue, long id, QueuedWork body);
    }

    /** The exchange header that carries an entry's id from the webhook to its worker. */
    public static final String HEADER = "KecPendingWork";
    /** How soon an entry that found its queue full is offered again. */
    static final Duration FULL_QUEUE_RETRY = Duration.ofSeconds(1);
    /** The interactions an entry keeps: the history annotation keeps no more. */
    static final int KEPT = PodInteractions.MAX_ENTRIES;

    private enum State { QUEUED, WORKING, WAITING }

    private static final class Entry {
        final long id;
        final WorkQueue queue;
        final String pod;
        final List<Item> items = new ArrayList<>(1);
        State state = State.QUEUED;
        int inWork;
        int leftOut;
        int failures;

        Entry(long id, WorkQueue queue, String pod) {
            this.id = id;
            this.queue = queue;
            this.pod = pod;
        }

        /** Adds the item; returns by how many the entry's item count grew (0 or 1). */
        int add(Item item) {
            int before = items.size();
            if (queue == WorkQueue.extend) {
                // The latest extension wins: drop those no worker has taken yet.
                items.subList(inWork, items.size()).clear();
                items.add(item);
                return items.size() - before;
            }
            items.add(item);
            trim();
            return items.size() - before;
        }

        /**
         * Keeps what the history would: the first interaction (it decides the labels) or those being recorded now,
         * and the latest after them, {@value #KEPT} in all when none is being recorded. Returns how many it dropped.
         */
        int trim() {
            if (queue == WorkQueue.extend) {
                return 0;
            }
            int dropped = 0;
            while (items.size() - head() > tail()) {
                items.remove(head());
                leftOut++;
                dropped++;
            }
            return dropped;
        }

        /** Whether {@code work} is the second review of an interaction this entry holds. */
        boolean repeats(QueuedWork work) {
            return work instanceof Interaction later && items.stream()
                    .anyMatch(item -> item.work() instanceof Interaction earlier && RepeatedExec.repeats(later, earlier));
        }

        /** Whether adding one more would grow the entry (false once it keeps as many as the history does). */
        boolean wouldGrow() {
            if (queue == WorkQueue.extend) {
                return inWork == items.size();
            }
            return items.size() - head() < tail();
        }

        private int head() {
            return Math.max(inWork, 1);
        }

        private int tail() {
            return inWork == 0 ? KEPT - 1 : KEPT;
        }

        QueuedWork body() {
            if (queue == WorkQueue.extend) {
                return items.get(items.size() - 1).work();
            }
            Interaction first = (Interaction) items.get(0).work();
            List<Interaction> later = new ArrayList<>(items.size() - 1);
            for (Item item : items.subList(1, items.size())) {
                later.add((Interaction) item.work());
            }
            return first.with(later);
        }

        PodWork view() {
            return new PodWork(queue, List.copyOf(items), leftOut);
        }
    }

    private final Clock clock;
    private final int maxPending;
    private final AtomicLong ids = new AtomicLong();
    private final Map<WorkQueue, LinkedHashMap<String, Entry>> byQueue = new EnumMap<>(WorkQueue.class);
    private final Map<Long, Entry> byId = new HashMap<>();
    private final Map<WorkQueue, Integer> itemCounts = new EnumMap<>(WorkQueue.class);
    private int itemCount;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong notRecordable = new AtomicLong();
    private final AtomicReference<Instant> lastDone = new AtomicReference<>();
    private final AtomicReference<ApiOutcome> latestApiOutcome = new AtomicReference<>();
    private final ScheduledExecutorService timer;
    private volatile Requeue requeue = (queue, id, body) -> false;
    private volatile BiConsumer<WorkQueue, Boolean> occupancy = (queue, occupied) -> { };
    private volatile Runnable repeats = () -> { };

    /** Unbounded: for tests. */
    public PendingWork(Clock clock) {
        this(clock, Integer.MAX_VALUE);
    }

    /**
     * {@code maxPending}: the most interactions and extensions held, over both queues (-max-pending): a bound on
     * the heap whatever the mix of pods (PendingWorkFootprintTest: about 1.3 KiB each).
     */
    public PendingWork(Clock clock, int maxPending) {
        this.clock = clock;
        this.maxPending = maxPending;
        for (WorkQueue queue : WorkQueue.values()) {
            byQueue.put(queue, new LinkedHashMap<>());
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "pending-work-retries");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /** How an entry due for another attempt gets on its queue (the worker's SEDA queue, set when its route starts). */
    public void requeueWith(Requeue requeue) {
        this.requeue = requeue;
    }

    /** Told of each interaction not added because it repeats one its pod's entry holds (a metric counts them). */
    public void whenRepeated(Runnable listener) {
        repeats = listener;
    }

    /**
     * Told at once and on every change whether a queue has unrecorded work: the shutdown waits for the ledger, not
     * just the queues, since waiting work is in no queue.
     */
    public synchronized void whenOccupied(BiConsumer<WorkQueue, Boolean> listener) {
        occupancy = listener;
        byQueue.forEach((queue, entries) -> listener.accept(queue, !entries.isEmpty()));
    }

    /** The webhook is about to queue {@code work}: queue it, it joined its pod's entry, or the ledger is full. */
    public Admission accept(QueuedWork work, Replay replay) {
        Item item = new Item(ids.incrementAndGet(), work, replay, clock.instant());
        String pod = work.namespace() + "/" + work.pod();
        synchronized (this) {
            LinkedHashMap<String, Entry> entries = byQueue.get(work.queue());
            Entry entry = entries.get(pod);
            if (entry != null && entry.repeats(work)) {
                repeats.run();
                return new Admission(entry.id, Admission.Outcome.REPEAT);
            }
            boolean grows = entry == null || entry.wouldGrow();
            if (grows && itemCount >= maxPending) {
                return new Admission(0, Admission.Outcome.FULL);
            }
            if (entry != null) {
                count(entry.queue, entry.add(item));
                return new Admission(entry.id, Admission.Outcome.COALESCED);
            }
            entry = new Entry(item.id(), work.queue(), pod);
            entry.items.add(item);
            count(entry.queue, 1);
            entries.put(pod, entry);
            byId.put(entry.id, entry);
            if (entries.size() == 1) {
                occupancy.accept(work.queue(), true);
            }
            return new Admission(entry.id, Admission.Outcome.QUEUE);
        }
    }

    /**
     * The queue refused it (full): the webhook answers for it. Work coalesced into its entry meanwhile was allowed
     * and stays, to be queued a moment later.
     */
    public synchronized void notQueued(Long id) {
        Entry entry = id == null ? null : byId.get(id);
        if (entry == null || entry.state != State.QUEUED) {
            return;
        }
        entry.items.remove(0);
        count(entry.queue, -1);
        if (entry.items.isEmpty()) {
            remove(entry);
        } else {
            waitThenQueue(entry, FULL_QUEUE_RETRY);
        }
    }

    /** A worker takes the entry: what it should record, everything the entry holds now; null for no entry. */
    public synchronized QueuedWork started(Long id) {
        Entry entry = id == null ? null : byId.get(id);
        if (entry == null || entry.state == State.WORKING) {
            return null;
        }
        entry.state = State.WORKING;
        entry.inWork = entry.items.size();
        return entry.body();
    }

    /**
     * The worker recorded what it took (or found nothing left to record: the pod is gone or opted out), or it can
     * never be recorded (the API refused it for good). Work that joined the entry meanwhile is queued again at once.
     * Returns how many interactions the entry left out of the patch (beyond the history's last 20).
     */
    public int finished(Long id, boolean wasRecorded) {
        Instant now = clock.instant();
        lastDone.set(now);
        latestApiOutcome.set(ApiOutcome.answered(now));
        synchronized (this) {
            Entry entry = id == null ? null : byId.get(id);
            if (entry == null || entry.state != State.WORKING) {
                return 0;
            }
            int leftOut = entry.leftOut;
            entry.items.subList(0, entry.inWork).clear();
            count(entry.queue, -entry.inWork);
            (wasRecorded ? recorded : notRecordable).addAndGet(entry.inWork);
            entry.inWork = 0;
            entry.failures = 0;
            entry.leftOut = 0;
            count(entry.queue, -entry.trim());
            if (entry.items.isEmpty()) {
                remove(entry);
            } else {
                waitThenQueue(entry, Duration.ZERO);
            }
            return leftOut;
        }
    }

    /**
     * The worker's call failed in a way that may succeed later: the entry waits for its next attempt. Returns the
     * wait and the number of failures in a row, or empty when the entry is not being worked on.
     */
    public Optional<Retry> failed(Long id, String failure) {
        apiFailed(failure);
        synchronized (this) {
            Entry entry = id == null ? null : byId.get(id);
            if (entry == null || entry.state != State.WORKING) {
                return Optional.empty();
            }
            entry.failures++;
            entry.inWork = 0;
            count(entry.queue, -entry.trim());
            Duration wait = RetryBackoff.after(entry.failures);
            waitThenQueue(entry, wait);
            return Optional.of(new Retry(entry.failures, wait, entry.view()));
        }
    }

    /** The {@code failures}-th failure in a row of the work for one pod; its next attempt in {@code delay}. */
    public record Retry(int failures, Duration delay, PodWork work) {
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

    /** The first item of the pod that has waited longest on a queue. */
    public synchronized Optional<Item> oldest(WorkQueue queue) {
        for (Entry entry : byQueue.get(queue).values()) {
            return Optional.of(entry.items.get(0));
        }
        return Optional.empty();
    }

    /** Pods with unrecorded work on a queue. */
    public synchronized int size(WorkQueue queue) {
        return byQueue.get(queue).size();
    }

    /** Pods with unrecorded work, over both queues. */
    public synchronized int size() {
        return byId.size();
    }

    /** Interactions and extensions held, over both queues: what {@code -max-pending} bounds. */
    public synchronized int itemCount() {
        return itemCount;
    }

    /** Interactions (or extensions) held for one queue. */
    public synchronized int itemCount(WorkQueue queue) {
        return itemCounts.getOrDefault(queue, 0);
    }

    /** Every interaction and extension still pending, oldest pod first within each queue. */
    public synchronized List<Item> items() {
        List<Item> all = new ArrayList<>();
        byQueue.values().forEach(entries -> entries.values().forEach(entry -> all.addAll(entry.items)));
        return all;
    }

    /** What is still pending, one element per pod and queue. */
    public synchronized List<PodWork> pods() {
        List<PodWork> all = new ArrayList<>();
        byQueue.values().forEach(entries -> entries.values().forEach(entry -> all.add(entry.view())));
        return all;
    }

    /** A peer took these over: they are the peer's to record now. */
    public synchronized void handedOver(Collection<Item> taken) {
        Set<Long> ids = new HashSet<>();
        taken.forEach(item -> ids.add(item.id()));
        for (Entry entry : List.copyOf(byId.values())) {
            int before = entry.items.size();
            entry.items.removeIf(item -> ids.contains(item.id()));
            count(entry.queue, entry.items.size() - before);
            if (entry.items.isEmpty()) {
                remove(entry);
            }
        }
    }

    /** Recorded by the workers since the start, interactions and extensions. */
    public long recordedCount() {
        return recorded.get();
    }

    /** Stops the timer: nothing is queued again (at the end of the shutdown). */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void count(WorkQueue queue, int change) {
        itemCount += change;
        itemCounts.merge(queue, change, Integer::sum);
    }

    private void waitThenQueue(Entry entry, Duration wait) {
        entry.state = State.WAITING;
        if (timer.isShutdown()) {
            return;
        }
        timer.schedule(() -> queueAgain(entry.id), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void queueAgain(long id) {
        QueuedWork body;
        WorkQueue queue;
        synchronized (this) {
            Entry entry = byId.get(id);
            if (entry == null || entry.state != State.WAITING) {
                return;
            }
            entry.state = State.QUEUED;
            body = entry.body();
            queue = entry.queue;
        }
        boolean queued;
        try {
            queued = requeue.offer(queue, id, body);
        } catch (RuntimeException e) {
            queued = false;
        }
        if (!queued) {
            synchronized (this) {
                Entry entry = byId.get(id);
                if (entry != null && entry.state == State.QUEUED) {
                    waitThenQueue(entry, FULL_QUEUE_RETRY);
                }
            }
        }
    }

    private void remove(Entry entry) {
        byId.remove(entry.id);
        LinkedHashMap<String, Entry> entries = byQueue.get(entry.queue);
        entries.remove(entry.pod);
        if (entries.isEmpty()) {
            occupancy.accept(entry.queue, false);
        }
    }
}
