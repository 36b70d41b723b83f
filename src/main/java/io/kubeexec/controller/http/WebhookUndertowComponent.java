package io.kubeexec.controller.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
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
 */
public final class WebhookUndertowComponent extends UndertowComponent {

    private final long maxBodyBytes;

    public WebhookUndertowComponent(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected UndertowHost createUndertowHost(UndertowHostKey key) {
        return new DefaultUndertowHost(key, getHostOptions()) {
            @Override
            public HttpHandler registerHandler(UndertowConsumer consumer, HttpHandlerRegistrationInfo info,
                    HttpHandler handler) {
                HttpHandler registered = super.registerHandler(consumer, info, new RawBodyGuard(maxBodyBytes, handler));
                liftEntityLimit(this);
                return registered;
            }
        };
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
