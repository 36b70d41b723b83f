package io.kubeexec.controller.http;

import io.kubeexec.controller.admission.AdmissionWebhook;
import io.kubeexec.controller.health.Health;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.undertow.DefaultUndertowHost;
import org.apache.camel.component.undertow.HttpHandlerRegistrationInfo;
import org.apache.camel.component.undertow.UndertowComponent;
import org.apache.camel.component.undertow.UndertowConsumer;
import org.apache.camel.component.undertow.UndertowHost;
import org.apache.camel.component.undertow.UndertowHostKey;
import org.xnio.OptionMap;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code undertow:} component with a {@link RawBodyGuard} in front of every route, and Undertow's built-in 2 MiB
 * body limit lifted so that the guard applies the configured one (8 MiB by default: a pod UPDATE carries two copies of a pod of up to ~1.5 MiB) and
 * answers 413 with a JSON body. Undertow refuses a larger declared body before any handler runs, and Camel offers
 * no setting for it, hence the reach into the started server (covered by the 413 fixture test). The same reach sets
 * the listener's timeouts, so stalled clients cannot pile up: a request whose headers do not arrive within
 * {@code -request-timeout} is cut off (the guard bounds the body), and so is a connection that sends no request for
 * Undertow's usual 60 s (keep-alive connections of the API server idle between reviews).
 * <p>
 * The two built-in admission routes are answered by {@link AdmissionFastPath} (unless {@code admission-fast-path=false}):
 * a Camel exchange on a worker thread costs several times what the decision does, and every pod UPDATE pays it. Only
 * the routes with the built-in ids get it, so an operator's replacement route (a new id, see -routes-exclude) runs
 * its own steps.
 */
public final class WebhookUndertowComponent extends UndertowComponent {

    /** Undertow's own default, which replacing the listener's options would otherwise drop. */
    private static final int IDLE_CONNECTION_MILLIS = 60_000;

    /** The built-in routes the fast path stands in for; their steps are those of AdmissionFastPath. */
    private static final Set<String> FAST_ROUTES = Set.of("admit-pod-interaction", "admit-pod-update");

    private final long maxBodyBytes;
    private final Duration requestTimeout;
    private ProducerTemplate queues;

    public WebhookUndertowComponent(long maxBodyBytes, Duration requestTimeout) {
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = requestTimeout;
    }

    @Override
    protected UndertowHost createUndertowHost(UndertowHostKey key) {
        return new DefaultUndertowHost(key, getHostOptions()) {
            @Override
            public HttpHandler registerHandler(UndertowConsumer consumer, HttpHandlerRegistrationInfo info,
                    HttpHandler handler) {
                HttpHandler registered = super.registerHandler(consumer, info, closingWhileDraining(
                        new RawBodyGuard(maxBodyBytes, requestTimeout, fastPath(consumer.getRoute().getRouteId(), handler))));
                configureListeners(this, requestTimeout);
                return registered;
            }
        };
    }

    /**
     * From SIGTERM on, every answer closes its connection. The API server keeps a connection to a webhook's pod open
     * and sends review after review over it; it picks a ready endpoint only when it dials. Without this, it keeps
     * sending to a stopping replica over the old connection until the process is gone: every review that arrives
     * after the listener stopped gets a 503, and with failurePolicy Fail that is a denied kubectl exec (seen in a
     * rolling restart on a real cluster: 35 s of denials). Closing makes it dial again, and reach a ready replica.
     */
    private HttpHandler closingWhileDraining(HttpHandler next) {
        Health health = getCamelContext().getRegistry().lookupByNameAndType("health", Health.class);
        if (health == null) {
            return next;
        }
        return exchange -> {
            if (health.draining()) {
                exchange.setPersistent(false);
            }
            next.handleRequest(exchange);
        };
    }

    /** The route's own handler, or the fast path in front of it for the two built-in admission routes. */
    private HttpHandler fastPath(String routeId, HttpHandler route) {
        boolean enabled = getCamelContext().getPropertiesComponent().resolveProperty("admission-fast-path")
                .map(v -> !v.trim().equalsIgnoreCase("false")).orElse(true);
        AdmissionWebhook webhook = getCamelContext().getRegistry()
                .lookupByNameAndType("admissionWebhook", AdmissionWebhook.class);
        Health health = getCamelContext().getRegistry().lookupByNameAndType("health", Health.class);
        if (!enabled || webhook == null || health == null || !FAST_ROUTES.contains(routeId)) {
            return route;
        }
        return routeId.equals("admit-pod-interaction")
                ? new AdmissionFastPath(webhook::interaction, webhook, queues(), health::draining, route)
                : new AdmissionFastPath(webhook::podUpdate, webhook, queues(), health::draining, route);
    }

    private synchronized ProducerTemplate queues() {
        if (queues == null) {
            queues = getCamelContext().createProducerTemplate();
        }
        return queues;
    }

    private static void configureListeners(DefaultUndertowHost host, Duration requestTimeout) {
        try {
            Field field = DefaultUndertowHost.class.getDeclaredField("undertow");
            field.setAccessible(true);
            Undertow undertow = (Undertow) field.get(host);
            if (undertow != null) {
                for (Undertow.ListenerInfo listener : undertow.getListenerInfo()) {
                    int timeout = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
                    listener.setServerOptions(OptionMap.builder()
                            .set(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                            .set(UndertowOptions.NO_REQUEST_TIMEOUT, Math.max(timeout, IDLE_CONNECTION_MILLIS))
                            .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, timeout)
                            .getMap());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot set Undertow's body limit and timeouts: " + e, e);
        }
    }
}
