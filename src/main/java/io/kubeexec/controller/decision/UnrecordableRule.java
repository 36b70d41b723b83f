package io.kubeexec.controller.decision;

import io.kubeexec.contract.GoDuration;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * {@code -on-unrecordable}: whether a new interaction is denied because the controller cannot record interactions
 * right now. With {@code allow} (the default) it never is: the interaction is queued and waits, in memory, for the
 * API server. With {@code deny}, it is denied once the oldest unrecorded interaction has waited longer than
 * {@code -unrecordable-after} and the latest call to the API server failed, so a slow but answering API server (a
 * long queue) never causes a denial, and the first answer lets interactions in again.
 */
public final class UnrecordableRule {

    private static final int MAX_FAILURE_TEXT = 200;

    private final boolean deny;
    private final Duration bound;

    public UnrecordableRule(boolean deny, Duration bound) {
        this.deny = deny;
        this.bound = bound;
    }

    public boolean denies() {
        return deny;
    }

    /**
     * The denial message, or empty to let the interaction in. {@code oldest}: when the oldest unrecorded interaction
     * was accepted; {@code pending}: how many are unrecorded; {@code latest}: the latest word on the API server.
     */
    public Optional<String> denial(Instant now, Optional<Instant> oldest, int pending, Optional<ApiOutcome> latest) {
        if (!deny || oldest.isEmpty() || latest.isEmpty() || latest.get().answered()) {
            return Optional.empty();
        }
        Duration waited = Duration.between(oldest.get(), now);
        if (waited.compareTo(bound) <= 0) {
            return Optional.empty();
        }
        String failure = latest.get().failure();
        if (failure.length() > MAX_FAILURE_TEXT) {
            failure = failure.substring(0, MAX_FAILURE_TEXT) + "...";
        }
        return Optional.of(String.format("kube-exec-controller cannot record interactions right now, so it denies"
                        + " them (-on-unrecordable=deny): %d accepted %s not recorded yet, the oldest for %s,"
                        + " because the Kubernetes API server cannot be reached (%s). Retry once it answers again",
                pending, pending == 1 ? "interaction is" : "interactions are",
                GoDuration.format(waited.truncatedTo(ChronoUnit.SECONDS)), failure.isEmpty() ? "no answer" : failure));
    }
}
