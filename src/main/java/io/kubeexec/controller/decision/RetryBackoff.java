package io.kubeexec.controller.decision;

import java.time.Duration;

/**
 * How long accepted work waits before its next attempt after a failure that may succeed later: 0.5 s, then twice as
 * long after each further failure, at most a minute. A minute keeps an outage's recovery within a minute of the API
 * server's return while a pod that fails for an hour costs 60 attempts, not 7 200.
 */
public final class RetryBackoff {

    static final Duration FIRST = Duration.ofMillis(500);
    static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private RetryBackoff() {
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public static Duration after(int failures) {
        if (failures < 1) {
            return Duration.ZERO;
        }
        Duration wait = FIRST.multipliedBy(1L << Math.min(failures - 1, 16));
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }
}
