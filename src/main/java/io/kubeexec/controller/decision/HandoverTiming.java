package io.kubeexec.controller.decision;

import io.kubeexec.contract.GoDuration;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * During the shutdown drain: keep waiting for the workers to record what is pending, or stop them and hand the
 * rest to a peer now. The drain may last {@code camel.main.shutdown-timeout} (40 s, within the pod's 45 s grace
 * period); past it Camel stops the workers anyway. Hand over:
 * <ul>
 * <li>as soon as the API server is not answering (its latest answer to any call was a failure) and no work got done
 * for {@link #STALLED}: the workers would only keep waiting for their next retry, which backs off up to a minute,
 * and the peer can wait for the API server as well as this process, without holding up the rollout;</li>
 * <li>in any case once the drain has run all but {@link #RESERVE} of its timeout, when the API server answers but
 * too slowly to finish in time: the reserve covers stopping the workers (well under a second), one HTTPS request per
 * item to the peer (a few milliseconds each) and the log lines, before the kubelet's SIGKILL.</li>
 * </ul>
 * Without peers, or while none accepts a connection, there is nothing to hand over to: the drain waits its whole
 * timeout, since the API server may come back.
 */
public final class HandoverTiming {

    static final Duration STALLED = Duration.ofSeconds(5);
    static final Duration RESERVE = Duration.ofSeconds(10);

    /** Hand over now, and why; or keep waiting. */
    public record Decision(boolean handOver, String reason) {

        static Decision keepWaiting(String reason) {
            return new Decision(false, reason);
        }
    }

    private final Duration drainTimeout;

    public HandoverTiming(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /** When the drain hands over at the latest: its timeout less the reserve, at once for a timeout under it. */
    public Duration handOverBy() {
        Duration by = drainTimeout.minus(RESERVE);
        return by.isNegative() ? Duration.ZERO : by;
    }

    /**
     * {@code drained}: how long the drain has run; {@code sinceWorkDone}: since a worker last finished a piece of
     * work, empty if none ever did; {@code latest}: the latest word on the API server.
     */
    public Decision decide(boolean peers, int pending, Duration drained, Optional<Duration> sinceWorkDone,
            Optional<ApiOutcome> latest) {
        if (pending == 0) {
            return Decision.keepWaiting("nothing is pending");
        }
        if (!peers) {
            return Decision.keepWaiting("no peer to hand over to");
        }
        if (drained.compareTo(handOverBy()) >= 0) {
            return new Decision(true, String.format("the drain has run %s of its %s and %d %s still unrecorded",
                    format(drained), format(drainTimeout), pending, pending == 1 ? "item is" : "items are"));
        }
        boolean failing = latest.isPresent() && !latest.get().answered();
        boolean stalled = sinceWorkDone.map(d -> d.compareTo(STALLED) >= 0).orElse(true);
        if (failing && stalled) {
            return new Decision(true, String.format("the Kubernetes API server is not answering (%s), %s, and %d %s"
                            + " still unrecorded", latest.get().failure(),
                    sinceWorkDone.map(d -> "nothing was recorded for " + format(d)).orElse("nothing was recorded yet"),
                    pending, pending == 1 ? "item is" : "items are"));
        }
        return Decision.keepWaiting(failing ? "work got done " + format(sinceWorkDone.orElseThrow()) + " ago"
                : "the API server answers");
    }

    private static String format(Duration duration) {
        return GoDuration.format(duration.truncatedTo(ChronoUnit.SECONDS));
    }
}
