package io.kubeexec.controller.config;

import io.kubeexec.controller.handover.DrainWatch;
import io.kubeexec.controller.health.Health;
import io.kubeexec.controller.kube.LeaderElection;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Readiness follows the context: up once started, down as it stops (already down through -shutdown-delay when Camel
 * Main stops it: health/ShutdownDelay); then the drain waits for the ledger and, at the end, counts what is lost.
 */
final class Lifecycle extends EventNotifierSupport {

    private final Health health;
    private final LeaderElection leadership;
    private final DrainWatch drain;
    private final Runnable holdDrain;
    private final Runnable stopRetries;

    Lifecycle(Health health, LeaderElection leadership, DrainWatch drain, Runnable holdDrain, Runnable stopRetries) {
        this.health = health;
        this.leadership = leadership;
        this.drain = drain;
        this.holdDrain = holdDrain;
        this.stopRetries = stopRetries;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.CamelContextStartedEvent) {
            health.markStarted();
        } else if (event instanceof CamelEvent.CamelContextStoppingEvent) {
            health.markDraining();
            holdDrain.run();
            drain.drainStarting();
        } else if (event instanceof CamelEvent.CamelContextStoppedEvent) {
            stopRetries.run();
            leadership.stop();
            drain.stopped();
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartedEvent
                || event instanceof CamelEvent.CamelContextStoppingEvent
                || event instanceof CamelEvent.CamelContextStoppedEvent;
    }
}
