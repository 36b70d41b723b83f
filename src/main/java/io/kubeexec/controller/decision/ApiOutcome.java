package io.kubeexec.controller.decision;

import java.time.Instant;

/** The latest word on the Kubernetes API server: did a call answer, when, and if not, what went wrong. */
public record ApiOutcome(boolean answered, Instant at, String failure) {

    public static ApiOutcome answered(Instant at) {
        return new ApiOutcome(true, at, "");
    }

    public static ApiOutcome failed(Instant at, String failure) {
        return new ApiOutcome(false, at, failure == null ? "" : failure);
    }
}
