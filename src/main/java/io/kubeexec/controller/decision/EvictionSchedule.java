package io.kubeexec.controller.decision;

import io.kubeexec.contract.InteractedPod;

import java.time.Duration;
import java.time.Instant;

/** Decides, from the state on the pod alone, whether an interacted pod is due and whether it may be evicted. */
public final class EvictionSchedule {

    /** What the scan does with one interacted pod. */
    public enum Decision {
        /** Not due yet. */
        WAIT,
        /** Due: evict it. */
        EVICT,
        /** Due, but audit mode (-dry-run) never evicts. */
        SKIP_DRY_RUN,
        /** Due, but it has no owner to recreate it and -evict-bare-pods is off. */
        SKIP_BARE_POD
    }

    private final boolean dryRun;
    private final boolean evictBarePods;

    public EvictionSchedule(boolean dryRun, boolean evictBarePods) {
        this.dryRun = dryRun;
        this.evictBarePods = evictBarePods;
    }

    public Decision decide(InteractedPod pod, boolean hasOwner, Instant now) {
        if (now.isBefore(pod.evictionTime())) {
            return Decision.WAIT;
        }
        if (dryRun) {
            return Decision.SKIP_DRY_RUN;
        }
        if (!hasOwner && !evictBarePods) {
            return Decision.SKIP_BARE_POD;
        }
        return Decision.EVICT;
    }

    /** Go's {@code Duration.Round(time.Second)} of the time left, as Event 2 prints it ("in about 10m0s"). */
    public static Duration roundedToSeconds(Duration d) {
        long nanos = d.toNanos();
        long seconds = (Math.abs(nanos) + 500_000_000L) / 1_000_000_000L; // half away from zero, as Go
        return Duration.ofSeconds(nanos < 0 ? -seconds : seconds);
    }
}
