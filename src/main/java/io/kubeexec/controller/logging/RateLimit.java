package io.kubeexec.controller.logging;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per period for one kind of event, and the count of those not logged: a flood of refusals
 * must not become a flood of log lines (the metrics count every one).
 */
public final class RateLimit {

    private final long everyNanos;
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimit(Duration every) {
        this.everyNanos = every.toNanos();
    }

    /** Empty when this one is not to be logged; else how many were not logged since the last one that was. */
    public OptionalLong pass() {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + everyNanos)) {
            return OptionalLong.of(suppressed.getAndSet(0));
        }
        suppressed.incrementAndGet();
        return OptionalLong.empty();
    }

    /** ", N more since the last one" or nothing. */
    public static String more(long suppressed) {
        return suppressed == 0 ? "" : " (" + suppressed + " more since the last such line)";
    }
}
