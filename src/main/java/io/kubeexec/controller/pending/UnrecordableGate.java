package io.kubeexec.controller.pending;


import io.kubeexec.controller.decision.UnrecordableRule;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Applies {@link UnrecordableRule} to the ledger at admission time. While it denies, it asks the API server for the
 * oldest unrecorded interaction's pod every {@link #PROBE_EVERY}: the workers retry with a backoff of up to a
 * minute, so without the probe an API server that is back would only be noticed at their next attempt, and
 * interactions denied until then.
 */
public final class UnrecordableGate {

    static final Duration PROBE_EVERY = Duration.ofSeconds(2);
    private static final WorkQueue QUEUE = WorkQueue.interact;

    private final UnrecordableRule rule;
    private final PendingWork pending;
    private final Clock clock;
    private final Consumer<Interaction> probe;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile Instant lastProbe = Instant.MIN;

    /** {@code probe} reads the pod of an interaction from the API server, and throws when it gets no answer. */
    public UnrecordableGate(UnrecordableRule rule, PendingWork pending, Clock clock, Consumer<Interaction> probe) {
        this.rule = rule;
        this.pending = pending;
        this.clock = clock;
        this.probe = probe;
    }

    /** Why a new interaction must be denied now, or empty to let it in. */
    public Optional<String> refusal() {
        if (!rule.denies()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<PendingWork.Item> oldest = pending.oldest(QUEUE);
        Optional<String> denial = rule.denial(now, oldest.map(PendingWork.Item::accepted), pending.itemCount(QUEUE),
                pending.latestApiOutcome());
        if (denial.isPresent() && oldest.get().work() instanceof Interaction interaction) {
            probeSoon(now, interaction);
        }
        return denial;
    }

    private void probeSoon(Instant now, Interaction interaction) {
        if (now.isBefore(lastProbe.plus(PROBE_EVERY)) || !probing.compareAndSet(false, true)) {
            return;
        }
        lastProbe = now;
        CompletableFuture.runAsync(() -> {
            try {
                probe.accept(interaction);
                pending.apiAnswered();
            } catch (RuntimeException e) {
                pending.apiFailed("GET pod " + interaction.namespace() + "/" + interaction.pod() + ": "
                        + e.getMessage());
            } finally {
                probing.set(false);
            }
        });
    }
}
