package io.kubeexec.controller.kube;

import io.kubeexec.controller.logging.RateLimit;
import io.kubeexec.controller.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The named loss at the events queue's bound (events-queue-size): Events that find it full are not announced,
 * counted in {@code kube_exec_controller_events_dropped_total} and named in at most one line a minute. The pod's
 * labels and annotations, already written, remain the record.
 */
public final class EventBacklog {

    private static final Logger LOG = LoggerFactory.getLogger(EventBacklog.class);

    private final Metrics metrics;
    private final int bound;
    private final RateLimit lines = new RateLimit(Duration.ofMinutes(1));

    public EventBacklog(Metrics metrics, int bound) {
        this.metrics = metrics;
        this.bound = bound;
    }

    public void dropped(List<PodEvent> events) {
        metrics.eventsDropped(events.size());
        lines.pass().ifPresent(more -> LOG.warn("Events not announced: the events queue holds {} lists already"
                + " (events-queue-size); dropped {} Event(s): {}{}", bound, events.size(),
                events.stream().map(e -> e.namespace() + "/" + e.name()).toList(), RateLimit.more(more)));
    }
}
