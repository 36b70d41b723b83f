package io.kubeexec.controller.http;

import io.kubeexec.controller.admission.AdmissionResponse;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.io.Receiver;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.ImmediatePooledByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs in front of each HTTPS route. It reads the whole body without blocking, on the I/O thread, before the route
 * runs on a worker thread: a client that stalls or dribbles its body holds no worker, and is cut off when the body
 * has not arrived within the request timeout (slow loris). It answers 413 to a body above the limit, declared or
 * chunked, and keeps a form-typed body raw: Undertow would otherwise parse it as a form, and the webhook parses
 * whatever body it gets, whatever its Content-Type.
 */
public final class RawBodyGuard implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RawBodyGuard.class);

    /** The body as received, for a next handler that reads it from here rather than from the request channel. */
    public static final AttachmentKey<byte[]> BODY = AttachmentKey.create(byte[].class);

    /** Bodies larger than this are not drained: the connection is answered and closed. */
    private static final long DRAIN_AT_MOST = 64L * 1024 * 1024;

    private final long maxBodyBytes;
    private final long timeoutMillis;
    private final HttpHandler next;

    public RawBodyGuard(long maxBodyBytes, Duration requestTimeout, HttpHandler next) {
        this.maxBodyBytes = maxBodyBytes;
        this.timeoutMillis = requestTimeout.toMillis();
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType != null && (contentType.startsWith("application/x-www-form-urlencoded")
                || contentType.startsWith("multipart/"))) {
            exchange.getRequestHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
        }
        long length = exchange.getRequestContentLength();
        if (length > DRAIN_AT_MOST) {
            tooLarge(exchange, length);
            return;
        }
        if (exchange.isRequestComplete()) {
            next.handleRequest(exchange);
            return;
        }
        XnioExecutor.Key deadline = exchange.getIoThread().executeAfter(() -> cutOff(exchange), timeoutMillis,
                TimeUnit.MILLISECONDS);
        // Over the limit, the rest is read and dropped so that the client hears the 413 instead of a reset.
        exchange.setMaxEntitySize(DRAIN_AT_MOST);
        // Grown as bytes arrive: a declared length alone reserves nothing.
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(64 * 1024, Math.max(length, 1024)));
        long[] received = {0};
        exchange.getRequestReceiver().receivePartialBytes(
                (ex, chunk, last) -> {
                    received[0] += chunk.length;
                    if (received[0] <= maxBodyBytes) {
                        body.write(chunk, 0, chunk.length);
                    }
                    if (!last) {
                        return;
                    }
                    deadline.remove();
                    if (received[0] > maxBodyBytes) {
                        tooLarge(ex, length > 0 ? length : received[0]);
                    } else {
                        proceed(ex, body.toByteArray());
                    }
                },
                (ex, error) -> {
                    deadline.remove();
                    if (error instanceof RequestTooBigException || error instanceof Receiver.RequestToLargeException) {
                        tooLarge(ex, Math.max(length, received[0]));
                    } else {
                        LOG.debug("Request body not received: {}", error.toString());
                        IoUtils.safeClose(ex.getConnection());
                    }
                });
    }

    /** Hands the received body to the route, as if it had just arrived. */
    private void proceed(HttpServerExchange exchange, byte[] body) {
        exchange.putAttachment(BODY, body);
        if (body.length > 0) {
            Connectors.ungetRequestBytes(exchange, new PooledByteBuffer[] {
                    new ImmediatePooledByteBuffer(ByteBuffer.wrap(body))});
        }
        Connectors.resetRequestChannel(exchange);
        try {
            next.handleRequest(exchange);
        } catch (Exception e) {
            LOG.error("Could not hand a request to its route: {}", e.toString());
            answer(exchange, 400, "{\"code\":400,\"error\":\"request could not be processed\"}");
        }
    }

    private void cutOff(HttpServerExchange exchange) {
        if (!exchange.isRequestComplete()) {
            LOG.warn("Closed a connection from {}: its request body did not arrive within {} ms",
                    exchange.getSourceAddress(), timeoutMillis);
            IoUtils.safeClose(exchange.getConnection());
        }
    }

    private void tooLarge(HttpServerExchange exchange, long length) {
        answer(exchange, 413, AdmissionResponse.tooLarge(length, maxBodyBytes));
    }

    private static void answer(HttpServerExchange exchange, int status, String json) {
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        exchange.setStatusCode(status);
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(json);
    }
}
