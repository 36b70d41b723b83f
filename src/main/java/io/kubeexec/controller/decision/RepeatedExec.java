package io.kubeexec.controller.decision;

import io.kubeexec.contract.PodInteractions;
import io.kubeexec.controller.work.Interaction;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Whether a review is the second one of an exec already seen. kubectl 1.30+ tries a WebSocket first and falls back
 * to SPDY when the upgrade fails (on API servers without the WebSocket translator, 1.20 here, and for every denied
 * exec): the webhook then gets two reviews that differ in their uid only. The same user, pod, container, kind and
 * command within {@link #WINDOW} is taken for that second review, and recorded once.
 * <p>
 * The two reviews may reach different replicas, so the check is made twice: against the work still waiting for the
 * pod in this replica's ledger, to the millisecond, and against the pod's history annotation when recording, to the
 * second the history keeps. Whatever is repeated within the window is recorded once, a user's own second run of the
 * same command included.
 */
public final class RepeatedExec {

    /**
     * 2 s. Measured on a 1.20.2 API server with a kubelet on loopback, kubectl 1.32: 13-16 ms between the two
     * reviews (15 pairs), 7-17 ms without a kubelet. The rest is room for a slower link: the fallback opens a new
     * TLS connection, a few round trips. A repeat later than this is recorded again; at second precision (the
     * history's) a repeat up to 3 s later may still be taken for the same exec.
     */
    public static final Duration WINDOW = Duration.ofSeconds(2);

    private RepeatedExec() {
    }

    /** {@code later} repeats {@code earlier}: the same exec of the same pod by the same user, within the window. */
    public static boolean repeats(Interaction later, Interaction earlier) {
        return later.namespace().equals(earlier.namespace()) && later.pod().equals(earlier.pod())
                && sameExec(later, earlier.username(), earlier.kind().label(), earlier.container(), earlier.command())
                && within(later.time(), earlier.time());
    }

    /**
     * The entry of the pod's history that {@code interaction} repeats, if any: any of its entries (the two reviews
     * may be recorded by two replicas, in either order, with others' interactions between them), compared to the
     * second.
     */
    public static Optional<PodInteractions.Entry> repeated(List<PodInteractions.Entry> history, Interaction interaction) {
        Instant time = interaction.time().truncatedTo(ChronoUnit.SECONDS);
        for (PodInteractions.Entry entry : history) {
            Optional<Instant> recorded = entry.instant();
            if (recorded.isPresent() && within(time, recorded.get())
                    && sameExec(interaction, entry.user(), entry.kind(), entry.container(), entry.command())) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    private static boolean sameExec(Interaction i, String user, String kind, String container, List<String> command) {
        return i.username().equals(user) && i.kind().label().equals(kind) && i.container().equals(container)
                && i.command().equals(command);
    }

    private static boolean within(Instant a, Instant b) {
        return Duration.between(a, b).abs().compareTo(WINDOW) <= 0;
    }
}
