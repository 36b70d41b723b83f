package io.kubeexec.controller.http;

import io.kubeexec.controller.admission.AdmissionWebhook;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * Answers an admission webhook in the HTTPS listener itself: reads the body, asks {@link AdmissionWebhook} for the
 * decision and writes it, without a Camel exchange or a worker thread. Every pod UPDATE in a cluster passes through
 * {@code /admit-pod-update} and almost none has a side effect, so this is the hot path (benchmarked by
 * bench/admission.sh). A decision with work for a queue is handed, on a worker thread since the queue may make it
 * wait, to the admission route's {@code direct:queue-and-answer}, which queues it (or applies -on-queue-full to the
 * reply); the reply it leaves in {@code exchangeProperty.reply} is the answer.
 */
public final class AdmissionFastPath implements HttpHandler {

    /** Larger bodies are decided on a worker thread, so one huge pod UPDATE never stalls an IO thread. */
    private static final int DECIDE_ON_IO_THREAD_BELOW = 256 * 1024;
    /** The exchange property the admission routes keep the reply in, from the decision to the answer. */
    private static final String REPLY = "reply";

    private final BiFunction<String, byte[], AdmissionWebhook.Reply> decide;
    private final AdmissionWebhook webhook;
    private final ProducerTemplate queues;
    private final BooleanSupplier shuttingDown;
    private final HttpHandler route;

    /**
     * {@code route} is the admission route's own handler: from {@code shuttingDown} on, requests go to it, so they
     * follow the routes through the shutdown (served during -shutdown-delay, then refused while the queues drain).
     */
    public AdmissionFastPath(BiFunction<String, byte[], AdmissionWebhook.Reply> decide, AdmissionWebhook webhook,
            ProducerTemplate queues, BooleanSupplier shuttingDown, HttpHandler route) {
        this.decide = decide;
        this.webhook = webhook;
        this.queues = queues;
        this.shuttingDown = shuttingDown;
        this.route = route;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (shuttingDown.getAsBoolean()) {
            route.handleRequest(exchange);
            return;
        }
        String method = exchange.getRequestMethod().toString();
        byte[] received = exchange.getAttachment(RawBodyGuard.BODY);
        if (received != null) { // RawBodyGuard has read it already
            decide(exchange, method, received);
            return;
        }
        exchange.getRequestReceiver().receiveFullBytes(
                (ex, body) -> decide(ex, method, body),
                (ex, error) -> {
                    if (error instanceof RequestTooBigException) {
                        ex.setPersistent(false);
                        AdmissionWebhook.Reply tooLarge = webhook.tooLarge(ex.getRequestContentLength());
                        send(ex, tooLarge.status(), tooLarge.body());
                    } else {
                        send(ex, 400, webhook.internalError(error).body());
                    }
                });
    }

    private void decide(HttpServerExchange exchange, String method, byte[] body) {
        if (body.length >= DECIDE_ON_IO_THREAD_BELOW && exchange.isInIoThread()) {
            exchange.dispatch(() -> decideAndAnswer(exchange, method, body));
        } else {
            decideAndAnswer(exchange, method, body);
        }
    }

    private void decideAndAnswer(HttpServerExchange exchange, String method, byte[] body) {
        AdmissionWebhook.Reply reply;
        try {
            reply = decide.apply(method, body);
        } catch (RuntimeException e) {
            reply = webhook.internalError(e);
        }
        if (reply.queue() == null) {
            send(exchange, reply.status(), reply.body());
        } else if (exchange.isInIoThread()) {
            AdmissionWebhook.Reply work = reply;
            exchange.dispatch(() -> queueAndAnswer(exchange, work));
        } else {
            queueAndAnswer(exchange, reply);
        }
    }

    private void queueAndAnswer(HttpServerExchange exchange, AdmissionWebhook.Reply reply) {
        Exchange done = queues.send("direct:queue-and-answer", e -> e.setProperty(REPLY, reply));
        AdmissionWebhook.Reply answer = done.getException() != null ? webhook.internalError(done.getException())
                : done.getProperty(REPLY, AdmissionWebhook.Reply.class);
        send(exchange, answer.status(), answer.body());
    }

    private static void send(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(body);
    }
}
