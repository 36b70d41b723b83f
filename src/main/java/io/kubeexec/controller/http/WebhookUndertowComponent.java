package io.kubeexec.controller.http;

import io.kubeexec.controller.admission.AdmissionWebhook;
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

/**
 * The {@code undertow:} component with a {@link RawBodyGuard} in front of every route, and Undertow's built-in 2 MiB
 * body limit lifted so that the guard applies the configured one (8 MiB by default: a pod UPDATE carries two copies of a pod of up to ~1.5 MiB) and
 * answers 413 with a JSON body. Undertow refuses a larger declared body before any handler runs, and Camel offers
 * no setting for it, hence the reach into the started server (covered by the 413 fixture test).
 * <p>
 * The two admission paths are answered by {@link AdmissionFastPath} (unless {@code admission-fast-path=false}): a
 * Camel exchange on a worker thread costs several times what the decision does, and every pod UPDATE pays it.
 */
public final class WebhookUndertowComponent extends UndertowComponent {

    private final long maxBodyBytes;
    private ProducerTemplate queues;

    public WebhookUndertowComponent(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected UndertowHost createUndertowHost(UndertowHostKey key) {
        return new DefaultUndertowHost(key, getHostOptions()) {
            @Override
            public HttpHandler registerHandler(UndertowConsumer consumer, HttpHandlerRegistrationInfo info,
                    HttpHandler handler) {
                HttpHandler registered = super.registerHandler(consumer, info,
                        new RawBodyGuard(maxBodyBytes, fastPath(info.getUri().getPath(), handler)));
                liftEntityLimit(this);
                return registered;
            }
        };
    }

    /** The route's own handler, or the fast path in front of it for the two admission webhooks. */
    private HttpHandler fastPath(String path, HttpHandler route) {
        boolean enabled = getCamelContext().getPropertiesComponent().resolveProperty("admission-fast-path")
                .map(v -> !v.trim().equalsIgnoreCase("false")).orElse(true);
        AdmissionWebhook webhook = getCamelContext().getRegistry()
                .lookupByNameAndType("admissionWebhook", AdmissionWebhook.class);
        if (!enabled || webhook == null) {
            return route;
        }
        return switch (path) {
            case "/admit-pod-interaction" -> new AdmissionFastPath(webhook::interaction, webhook, queues());
            case "/admit-pod-update" -> new AdmissionFastPath(webhook::podUpdate, webhook, queues());
            default -> route;
        };
    }

    private synchronized ProducerTemplate queues() {
        if (queues == null) {
            queues = getCamelContext().createProducerTemplate();
        }
        return queues;
    }

    private static void liftEntityLimit(DefaultUndertowHost host) {
        try {
            Field field = DefaultUndertowHost.class.getDeclaredField("undertow");
            field.setAccessible(true);
            Undertow undertow = (Undertow) field.get(host);
            if (undertow != null) {
                for (Undertow.ListenerInfo listener : undertow.getListenerInfo()) {
                    listener.setServerOptions(OptionMap.create(UndertowOptions.MAX_ENTITY_SIZE, -1L));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot lift Undertow's 2 MiB body limit: " + e, e);
        }
    }
}
