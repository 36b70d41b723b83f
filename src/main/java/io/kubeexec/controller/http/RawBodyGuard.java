package io.kubeexec.controller.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Runs in front of each HTTPS route. It refuses a declared body above the limit with 413 before reading it, caps
 * chunked bodies, and keeps a form-typed body raw: Undertow would otherwise parse it as a form, and the webhook
 * parses whatever body it gets, whatever its Content-Type.
 */
public final class RawBodyGuard implements HttpHandler {

    /** Bodies declared larger than this are not drained: the connection is answered and closed. */
    private static final long DRAIN_AT_MOST = 64L * 1024 * 1024;

    private final long maxBodyBytes;
    private final HttpHandler next;

    public RawBodyGuard(long maxBodyBytes, HttpHandler next) {
        this.maxBodyBytes = maxBodyBytes;
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
        if (length > maxBodyBytes) {
            String error = "{\"code\":413,\"error\":\"body of " + length + " bytes exceeds the limit of "
                    + maxBodyBytes + " bytes\"}";
            if (length > DRAIN_AT_MOST) {
                tooLarge(exchange, error);
                return;
            }
            // Read and drop the body, chunk by chunk, so the client hears the 413 instead of a reset connection.
            exchange.setMaxEntitySize(length);
            exchange.getRequestReceiver().receivePartialBytes(
                    (ex, chunk, last) -> {
                        if (last) {
                            tooLarge(ex, error);
                        }
                    },
                    (ex, e) -> tooLarge(ex, error));
            return;
        }
        exchange.setMaxEntitySize(maxBodyBytes + 1);
        next.handleRequest(exchange);
    }

    private static void tooLarge(HttpServerExchange exchange, String error) {
        exchange.setStatusCode(413);
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(error);
    }
}
