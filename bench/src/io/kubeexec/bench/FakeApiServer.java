package io.kubeexec.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stand-in Kubernetes API server (plain HTTP) for the admission and decoupling benchmarks: it answers
 * {@code /version}, GETs of a pod (never interacted), PATCHes of a pod, Event creation, the eviction scan's LIST
 * (empty) and the deny-label watches' LISTs of pods and namespaces (empty; their watches stay open and silent),
 * each after an optional delay, concurrently (a slow API server, not a serialised one).
 * {@code GET /__stats} returns the request counts.
 *
 *   java -cp ... io.kubeexec.bench.FakeApiServer PORT [DELAY_MS]
 */
public final class FakeApiServer {

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long delay = args.length > 1 ? Long.parseLong(args[1]) : 0;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, delay);
            } catch (Exception e) {
                System.err.println("fake API: " + e);
            }
        });
        server.start();
        System.out.println("fake API listening on http://127.0.0.1:" + port + " (delay " + delay + " ms)");
    }

    private static void handle(HttpExchange exchange, long delay) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        if (path.equals("/__stats")) {
            StringBuilder out = new StringBuilder();
            COUNTS.forEach((k, v) -> out.append(k).append(' ').append(v.sum()).append('\n'));
            send(exchange, 200, out.toString());
            return;
        }
        if (delay > 0) {
            Thread.sleep(delay);
        }
        String query = exchange.getRequestURI().getQuery();
        if (query != null && query.contains("watch=true")) {
            // The deny-label watches: nothing ever changes here, so the stream stays open and empty.
            COUNTS.computeIfAbsent("watch " + path, k -> new LongAdder()).increment();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        String[] p = path.split("/");
        String kind;
        int status = 200;
        String body;
        if (path.equals("/version")) {
            kind = "version";
            body = "{\"major\":\"1\",\"minor\":\"20\",\"gitVersion\":\"v1.20.2\",\"platform\":\"linux/amd64\"}";
        } else if (path.endsWith("/events")) {
            kind = "event";
            status = 201;
            body = "{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"e\"}}";
        } else if (p.length == 7 && p[5].equals("pods")) { // /api/v1/namespaces/NS/pods/NAME
            kind = method.toLowerCase() + "-pod";
            body = pod(p[4], p[6]);
        } else if (path.equals("/api/v1/pods")) {
            kind = "list-pods";
            body = "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}";
        } else if (path.equals("/api/v1/namespaces")) {
            kind = "list-namespaces";
            body = "{\"apiVersion\":\"v1\",\"kind\":\"NamespaceList\",\"metadata\":{\"resourceVersion\":\"1\"},"
                    + "\"items\":[]}";
        } else {
            kind = "other " + method + " " + path;
            status = 404;
            body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
        }
        COUNTS.computeIfAbsent(kind, k -> new LongAdder()).increment();
        send(exchange, status, body);
    }

    private static String pod(String namespace, String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
                + namespace + "\",\"uid\":\"6f0c1f0e-bench-" + name + "\",\"resourceVersion\":\"1\","
                + "\"labels\":{\"app\":\"bench\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                + "\"name\":\"bench\",\"uid\":\"rs-1\",\"controller\":true}]},"
                + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\"}]},\"status\":{\"phase\":\"Running\"}}";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
