package io.kubeexec.controller.pending;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeexec.controller.decision.ApiFailures;
import io.kubeexec.controller.decision.RetryBackoff;
import io.kubeexec.controller.kube.RetryableFailure;
import io.kubeexec.controller.work.QueuedWork;
import io.kubeexec.controller.work.WorkQueue;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the ledger of unrecorded work ({@link PendingWork}) for every route that consumes {@code seda:interact} or
 * {@code seda:extend}, the built-in workers and any replacement an operator loads, so that no route has bookkeeping
 * to copy or forget. As a worker takes an entry it gets everything waiting for that pod as its body; when it is done
 * the outcome decides: recorded (or nothing left to record), never recordable (the API refused it for good:
 * {@link ApiFailures}), or another attempt later ({@link RetryBackoff}, on the ledger's own timer, not Camel's
 * redelivery scheduler, whose queue refuses the 1 001st waiting redelivery).
 */
public final class LedgerPolicy implements RoutePolicyFactory {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerPolicy.class);
    /** The work as the worker took it: the route may change the body. */
    private static final String WORK = "KecLedgerWork";

    private final PendingWork pending;
    private final Map<WorkQueue, Route> workers = new ConcurrentHashMap<>();
    private final Map<WorkQueue, Exchange> drainHolds = new ConcurrentHashMap<>();

    public LedgerPolicy(PendingWork pending) {
        this.pending = pending;
        pending.requeueWith(this::offer);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode node) {
        if (!(node instanceof RouteDefinition route) || route.getInput() == null) {
            return null;
        }
        return queueOf(context, route.getInput().getEndpointUri()).map(Worker::new).orElse(null);
    }

    /**
     * From the shutdown's start: the worker routes count as busy while the ledger holds work for their queue, so
     * Camel's drain waits for work that waits for its next attempt too, not only for what is in the queues.
     */
    public void holdDrainWhileWorkIsPending(CamelContext context) {
        pending.whenOccupied((queue, occupied) -> {
            Route route = workers.get(queue);
            if (route == null) {
                return;
            }
            if (occupied) {
                drainHolds.computeIfAbsent(queue, q -> {
                    Exchange hold = new DefaultExchange(context);
                    context.getInflightRepository().add(hold, route.getRouteId());
                    return hold;
                });
            } else {
                Exchange hold = drainHolds.remove(queue);
                if (hold != null) {
                    context.getInflightRepository().remove(hold, route.getRouteId());
                }
            }
        });
    }

    /** What waits in a queue's SEDA queue for its worker (the kube_exec_controller_queue_depth gauge). */
    public long queueDepth(WorkQueue queue) {
        Route route = workers.get(queue);
        return route != null && route.getEndpoint() instanceof SedaEndpoint seda ? seda.getQueue().size() : 0;
    }

    /** The queue a route consumes, when it is one of the two: {@code seda:interact?size=500}, {@code seda://extend}. */
    static Optional<WorkQueue> queueOf(CamelContext context, String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        try {
            uri = context.resolvePropertyPlaceholders(uri);
        } catch (RuntimeException e) {
            // An unresolvable placeholder fails the route itself, with Camel's own message.
        }
        String plain = uri.replaceFirst("\\?.*$", "").replaceFirst("^seda:(//)?", "seda:").replaceFirst("/$", "");
        for (WorkQueue queue : WorkQueue.values()) {
            if (plain.equals("seda:" + queue.name())) {
                return Optional.of(queue);
            }
        }
        return Optional.empty();
    }

    private boolean offer(WorkQueue queue, long id, QueuedWork body) {
        Route route = workers.get(queue);
        Endpoint endpoint = route == null ? null : route.getEndpoint();
        if (!(endpoint instanceof SedaEndpoint seda)) {
            return false;
        }
        Exchange exchange = seda.createExchange();
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader(PendingWork.HEADER, id);
        return seda.getQueue().offer(exchange);
    }

    /**
     * A plain RoutePolicy, not a RoutePolicySupport: Camel skips the callbacks of a policy that is a service once it
     * stops, and the workers still drain their queues while the context stops.
     */
    private final class Worker implements RoutePolicy {

        private final WorkQueue queue;

        Worker(WorkQueue queue) {
            this.queue = queue;
        }

        @Override
        public void onInit(Route route) {
        }

        @Override
        public void onRemove(Route route) {
        }

        @Override
        public void onStart(Route route) {
            workers.put(queue, route);
        }

        @Override
        public void onStop(Route route) {
        }

        @Override
        public void onSuspend(Route route) {
        }

        @Override
        public void onResume(Route route) {
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            QueuedWork body = pending.started(exchange.getIn().getHeader(PendingWork.HEADER, Long.class));
            if (body != null) {
                exchange.getIn().setBody(body);
                exchange.setProperty(WORK, body);
            }
            // On the exchange's completion rather than onExchangeDone, which Camel skips while the context stops,
            // when the workers still drain their queues.
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    finished(done);
                }
            });
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
        }

        private void finished(Exchange exchange) {
            Long id = exchange.getIn().getHeader(PendingWork.HEADER, Long.class);
            Throwable thrown = exchange.getException();
            Throwable failure = thrown != null ? thrown : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (failure == null) {
                int leftOut = pending.finished(id, true);
                if (leftOut > 0) {
                    // Named, though no record is lost: the history annotation keeps the last 20 anyway.
                    QueuedWork work = exchange.getProperty(WORK, QueuedWork.class);
                    LOG.info("pod={}/{}: {} more interaction(s) that waited with these were left out of the patch;"
                            + " the history keeps the first and the last {}", work == null ? "" : work.namespace(),
                            work == null ? "" : work.pod(), leftOut, PendingWork.KEPT - 1);
                }
            } else if (canSucceedLater(failure)) {
                pending.failed(id, String.valueOf(failure.getMessage())).ifPresent(retry -> {
                    // The first failure and then about once a minute per pod: an outage is no log flood.
                    boolean atMost = retry.delay().equals(RetryBackoff.after(Integer.MAX_VALUE));
                    if (retry.failures() == 1 || atMost) {
                        LOG.warn("Not recorded yet (failure {} in a row), next attempt in {} ms: {}: {}",
                                retry.failures(), retry.delay().toMillis(), retry.work().describe(),
                                failure.getMessage());
                    } else {
                        LOG.debug("Not recorded yet (failure {} in a row), next attempt in {} ms: {}",
                                retry.failures(), retry.delay().toMillis(), retry.work().describe());
                    }
                });
            } else {
                if (!(failure instanceof KubernetesClientException)) {
                    // A final API answer is logged by the route; anything else would fail the same way again.
                    LOG.error("Not recorded, it cannot succeed: {}: {}", exchange.getProperty(WORK),
                            String.valueOf(failure));
                }
                pending.finished(id, false);
            }
        }

        private static boolean canSucceedLater(Throwable failure) {
            if (failure instanceof RetryableFailure) {
                return true;
            }
            return failure instanceof KubernetesClientException e && ApiFailures.canSucceedLater(e.getCode());
        }
    }
}
