package io.kubeexec.controller.handover;

import io.kubeexec.controller.decision.HandoverTiming;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.pending.PendingWork;
import io.kubeexec.controller.work.WorkQueue;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.engine.DefaultShutdownStrategy;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * The end of the shutdown: what happens to accepted work that is not recorded yet. While Camel drains the queues,
 * a watcher asks {@link HandoverTiming} whether to keep waiting for the API server; when it says to hand over, the
 * drain is cut short (the workers stop at once, so nothing is recorded twice). Once the routes have stopped, what is
 * still pending is offered to a peer ({@link PeerHandover}), and whatever no peer took is lost: one ERROR line each,
 * with namespace, pod, user, kind and time, and {@code kube_exec_controller_lost_total}. The last line says how many
 * were recorded, handed over and lost.
 */
public final class DrainWatch {

    private static final Logger LOG = LoggerFactory.getLogger(DrainWatch.class);
    private static final long LOOK_EVERY_MILLIS = 200;
    private static final Duration LOOK_FOR_PEERS_EVERY = Duration.ofSeconds(2);
    /** Time still given to the hand-over when the drain ran its whole timeout (then the SIGKILL is near). */
    private static final Duration LAST_CHANCE = Duration.ofSeconds(2);

    private final CamelContext context;
    private final PendingWork pending;
    private final PeerHandover handover;
    private final Metrics metrics;
    private final Clock clock;
    private volatile Instant drainStarted;
    private volatile long recordedBefore;
    private volatile Thread watcher;

    /** {@code handover} is null without {@code -handover-peers}. */
    public DrainWatch(CamelContext context, PendingWork pending, PeerHandover handover, Metrics metrics, Clock clock) {
        this.context = context;
        this.pending = pending;
        this.handover = handover;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The listener is about to stop and the queues to drain. */
    public void drainStarting() {
        drainStarted = clock.instant();
        recordedBefore = pending.recordedCount();
        int count = pending.size();
        if (count > 0) {
            LOG.info("Draining {} unrecorded item{} (interact {}, extend {}){}", count, count == 1 ? "" : "s",
                    pending.size(WorkQueue.interact), pending.size(WorkQueue.extend),
                    handover == null ? "; no -handover-peers to hand them to" : "");
        }
        if (handover != null) {
            HandoverTiming timing = new HandoverTiming(drainTimeout());
            watcher = new Thread(() -> watch(timing), "drain-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
    }

    /** The routes have stopped: hand over what is left, account for the rest. */
    public void stopped() {
        Thread running = watcher;
        if (running != null) {
            running.interrupt();
        }
        Instant started = drainStarted == null ? clock.instant() : drainStarted;
        long recorded = pending.recordedCount() - recordedBefore;
        List<PendingWork.Item> left = pending.items();
        int handedOver = 0;
        String handedTo = "";
        if (!left.isEmpty() && handover != null) {
            Instant deadline = started.plus(drainTimeout());
            if (deadline.isBefore(clock.instant().plus(LAST_CHANCE))) {
                deadline = clock.instant().plus(LAST_CHANCE);
            }
            long offered = System.nanoTime();
            PeerHandover.Result result = handover.offer(left, deadline);
            long offerMillis = Duration.ofNanos(System.nanoTime() - offered).toMillis();
            pending.handedOver(result.handedOver());
            handedOver = result.handedOver().size();
            result.refusals().forEach(refusal -> LOG.warn("Hand-over: {}", refusal));
            handedTo = (handedOver > 0 ? " to a peer" : "") + " in " + offerMillis + " ms";
        }
        // What no peer took: one line per pod, each piece of work counted.
        List<PendingWork.PodWork> lost = pending.pods();
        int lostItems = 0;
        for (PendingWork.PodWork pod : lost) {
            LOG.error("Lost: not recorded, the process exits: {}", pod.describe());
            for (int i = 0; i < pod.items().size() + pod.leftOut(); i++) {
                metrics.lost(pod.queue().name());
            }
            lostItems += pod.items().size() + pod.leftOut();
        }
        long took = Duration.between(started, clock.instant()).toMillis();
        if (lost.isEmpty() && handedOver == 0) {
            LOG.info("Stopped: the queues are drained; {} recorded while draining, 0 handed over, 0 lost ({} ms after"
                    + " the drain began)", recorded, took);
        } else {
            LOG.info("Stopped: {} recorded while draining, {} handed over{}, {} lost{} ({} ms after the drain began)",
                    recorded, handedOver, handedTo, lostItems,
                    lost.isEmpty() ? "" : " (the 'Lost:' lines above name them)", took);
        }
    }

    private void watch(HandoverTiming timing) {
        boolean toldNoPeer = false;
        Instant nextPeerLook = Instant.MIN;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Instant now = clock.instant();
                Optional<Duration> sinceWorkDone = pending.lastDone().map(done -> Duration.between(done, now));
                HandoverTiming.Decision decision = timing.decide(true, pending.size(),
                        Duration.between(drainStarted, now), sinceWorkDone, pending.latestApiOutcome());
                if (decision.handOver() && !now.isBefore(nextPeerLook)) {
                    // With no peer to take the work, the drain keeps its chance that the API server comes back.
                    if (handover.anyPeerListens()) {
                        if (cutDrainShort()) {
                            LOG.info("Handing over instead of waiting: {}", decision.reason());
                            return;
                        }
                    } else {
                        nextPeerLook = clock.instant().plus(LOOK_FOR_PEERS_EVERY);
                        if (!toldNoPeer) {
                            LOG.warn("Not handing over ({}): no peer listens; waiting for the API server instead",
                                    decision.reason());
                            toldNoPeer = true;
                        }
                    }
                }
                Thread.sleep(LOOK_EVERY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends Camel's wait for the queues now rather than at its timeout: Camel then stops the workers as it would on
     * a timeout. False while Camel has not started waiting yet (the watcher looks again).
     */
    private boolean cutDrainShort() {
        ShutdownStrategy strategy = context.getShutdownStrategy();
        if (strategy instanceof DefaultShutdownStrategy camel) {
            Future<?> waiting = camel.getCurrentShutdownTaskFuture();
            return waiting != null && waiting.cancel(true);
        }
        return false;
    }

    private Duration drainTimeout() {
        ShutdownStrategy strategy = context.getShutdownStrategy();
        return Duration.ofMillis(strategy.getTimeUnit().toMillis(strategy.getTimeout()));
    }
}
