package io.kubeexec.controller.health;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * -shutdown-delay: on SIGTERM, readiness reports 503 for this long while the routes still serve, and only then does
 * Camel stop them, the HTTPS listener first. The API server keeps sending reviews to a replica until the endpoints
 * drop it, which they do after readiness fails; a listener that stopped at once would refuse them. Camel Main calls
 * this between the signal and the context's stop, so the sleep holds no event notifier and no Camel thread.
 */
public final class ShutdownDelay extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownDelay.class);

    private final Duration delay;

    public ShutdownDelay(Duration delay) {
        this.delay = delay;
    }

    @Override
    public void beforeStop(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Health health = context == null ? null : context.getRegistry().lookupByNameAndType("health", Health.class);
        if (health != null) {
            health.markDraining();
        }
        LOG.info("Stopping: readiness is 503; the listener stops in {} ms, then the queues drain", delay.toMillis());
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
