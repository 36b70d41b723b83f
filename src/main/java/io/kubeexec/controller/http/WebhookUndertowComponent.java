package io.kubeexec.controller.http;

import io.kubeexec.controller.admission.AdmissionWebhook;
import io.kubeexec.controller.health.Health;
import io.kubeexec.controller.work.Replay;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.undertow.DefaultUndertowHost;
import org.apache.camel.component.undertow.HttpHandlerRegistrationInfo;
import org.apache.camel.component.undertow.UndertowComponent;
import org.apache.camel.component.undertow.UndertowConsumer;
import org.apache.camel.component.undertow.UndertowHost;
import org.apache.camel.component.undertow.UndertowHostKey;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetPropertyDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.language.MethodCallExpression;
import org.xnio.OptionMap;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code undertow:} component with a {@link RawBodyGuard} in front of every route, and Undertow's built-in 2 MiB
 * body limit lifted so that the guard applies the configured one (8 MiB by default: a pod UPDATE carries two copies of
 * a pod of up to ~1.5 MiB) and answers 413 with a JSON body. Undertow refuses a larger declared body before any handler
 * runs, and Camel offers no setting for it, hence the reach into the started server (covered by the 413 fixture test).
 * The same reach sets the listener's timeouts, so stalled clients cannot pile up: a request whose headers do not
 * arrive within {@code -request-timeout} is cut off (the guard bounds the body), and so is a connection that sends no
 * request for Undertow's usual 60 s (keep-alive connections of the API server idle between reviews).
 * <p>
 * A route whose endpoint says {@code fastPath: interaction} or {@code fastPath: podUpdate} (routes/admission.camel.yaml)
 * is answered by {@link AdmissionFastPath} unless {@code -admission-fast-path=false}: a Camel exchange on a worker
 * thread costs several times what the decision does, and every pod UPDATE pays it. The fast path makes exactly the
 * call of the route's steps, so those steps must be the built-in ones: start-up refuses a route that declares the fast
 * path and has other steps, rather than ignore them. Without {@code fastPath}, a route runs its own steps.
 */
public final class WebhookUndertowComponent extends UndertowComponent {

    /** Undertow's own default, which replacing the listener's options would otherwise drop. */
    private static final int IDLE_CONNECTION_MILLIS = 60_000;

    /** The endpoint option that declares the fast path, and the decisions it may name. */
    static final String FAST_PATH_OPTION = "fastPath";

    /** A decision the fast path can make, and the steps of a route that makes the same one. */
    enum FastPath {
        interaction, podUpdate;

        /**
         * The method call of the route's first step; the second hands the reply to direct:queue-and-answer, the third
         * to direct:http-answer.
         */
        String call() {
            return name() + "(${header.CamelHttpMethod}, ${body}, ${header." + Replay.HANDOVER_HEADER + "})";
        }

        static FastPath named(String value) {
            for (FastPath path : values()) {
                if (path.name().equals(value)) {
                    return path;
                }
            }
            throw new IllegalArgumentException("fastPath must be interaction or podUpdate, not \"" + value + "\"");
        }
    }

    private final long maxBodyBytes;
    private final Duration requestTimeout;
    private final boolean fastPathEnabled;
    private final Map<Endpoint, FastPath> fastPaths = new ConcurrentHashMap<>();
    private ProducerTemplate queues;

    public WebhookUndertowComponent(long maxBodyBytes, Duration requestTimeout, boolean fastPathEnabled) {
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = requestTimeout;
        this.fastPathEnabled = fastPathEnabled;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Object declared = parameters.remove(FAST_PATH_OPTION);
        Endpoint endpoint = super.createEndpoint(uri, remaining, parameters);
        if (declared != null) {
            fastPaths.put(endpoint, FastPath.named(String.valueOf(declared).trim()));
        }
        return endpoint;
    }

    @Override
    protected UndertowHost createUndertowHost(UndertowHostKey key) {
        return new DefaultUndertowHost(key, getHostOptions()) {
            @Override
            public HttpHandler registerHandler(UndertowConsumer consumer, HttpHandlerRegistrationInfo info,
                    HttpHandler handler) {
                HttpHandler registered = super.registerHandler(consumer, info, closingWhileDraining(
                        new RawBodyGuard(maxBodyBytes, requestTimeout, fastPath(consumer, handler))));
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

    /** The route's own handler, or the fast path in front of it when its endpoint declares one. */
    private HttpHandler fastPath(UndertowConsumer consumer, HttpHandler route) {
        FastPath declared = fastPaths.get(consumer.getEndpoint());
        if (declared == null) {
            return route;
        }
        AdmissionWebhook webhook = getCamelContext().getRegistry()
                .lookupByNameAndType("admissionWebhook", AdmissionWebhook.class);
        Health health = getCamelContext().getRegistry().lookupByNameAndType("health", Health.class);
        if (!fastPathEnabled || webhook == null || health == null) {
            return route;
        }
        checkSteps(consumer.getRoute().getRouteId(), declared);
        return declared == FastPath.interaction
                ? new AdmissionFastPath(webhook::interaction, webhook, queues(), health::draining, route)
                : new AdmissionFastPath(webhook::podUpdate, webhook, queues(), health::draining, route);
    }

    /** The fast path stands in for the route's steps only where they are the built-in ones: never ignore an edit. */
    private void checkSteps(String routeId, FastPath declared) {
        RouteDefinition definition = ((ModelCamelContext) getCamelContext()).getRouteDefinition(routeId);
        // The route's own steps; its route configuration's onException clauses are merged into its outputs too.
        List<ProcessorDefinition<?>> steps = definition == null ? List.of()
                : definition.getOutputs().stream().filter(step -> !step.isAbstract()).toList();
        boolean builtIn = steps.size() == 3
                && steps.get(0) instanceof SetPropertyDefinition reply && "reply".equals(reply.getName())
                && reply.getExpression() instanceof MethodCallExpression call
                && "admissionWebhook".equals(call.getRef()) && declared.call().equals(call.getMethod())
                && steps.get(1) instanceof ToDefinition queue && "direct:queue-and-answer".equals(queue.getUri())
                && steps.get(2) instanceof ToDefinition answer && "direct:http-answer".equals(answer.getUri());
        if (!builtIn) {
            throw new IllegalStateException("route " + routeId + " says fastPath: " + declared + ", so its requests"
                    + " are answered in Java by admissionWebhook." + declared + ", but its steps are not the built-in"
                    + " ones; remove fastPath from the route for its own steps to run");
        }
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
