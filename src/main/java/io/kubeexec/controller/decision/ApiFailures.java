package io.kubeexec.controller.decision;

import java.util.Set;

/**
 * Which failed Kubernetes API calls are worth retrying. 400 (bad request), 403 (forbidden), 404 (gone) and 422
 * (invalid) give the same answer however often they are asked; everything else (no answer, 409, 429, 5xx) may
 * succeed later. The queue workers' routes (routes/kubernetes-retries.camel.yaml) ask this rule too.
 */
public final class ApiFailures {

    /** The HTTP status codes that are never retried. */
    public static final Set<Integer> FINAL = Set.of(400, 403, 404, 422);

    private ApiFailures() {
    }

    /** {@code status}: the HTTP status code, or 0 or less when there was no answer at all. */
    public static boolean isFinal(int status) {
        return FINAL.contains(status);
    }

    public static boolean canSucceedLater(int status) {
        return !isFinal(status);
    }
}
