package io.kubeexec.controller.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the scan may try again to evict a pod whose eviction failed or was blocked by a PodDisruptionBudget: after
 * one scan interval, then twice as long after each further failure, at most 5 minutes. A success, or the pod
 * leaving the scan's list, forgets it.
 */
public final class EvictionBackoff {

    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    /** The {@code failures}-th failure in a row; the next attempt is not before {@code next}. */
    public record Retry(int failures, Instant next) {
    }

    private final Duration scanInterval;
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();

    public EvictionBackoff(Duration scanInterval) {
        this.scanInterval = scanInterval;
    }

    /** False while the pod with this UID waits out its backoff. */
    public boolean mayTry(String uid, Instant now) {
        Retry retry = retries.get(uid);
        return retry == null || !now.isBefore(retry.next());
    }

    public Retry failed(String uid, Instant now) {
        return retries.compute(uid, (key, previous) -> {
            int failures = previous == null ? 1 : previous.failures() + 1;
            Duration wait = scanInterval.multipliedBy(1L << Math.min(failures - 1, 16));
            return new Retry(failures, now.plus(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait));
        });
    }

    public void succeeded(String uid) {
        retries.remove(uid);
    }

    /** Keeps only the pods the last scan listed: the others are gone. */
    public void forgetAllBut(Set<String> uids) {
        retries.keySet().retainAll(uids);
    }
}
