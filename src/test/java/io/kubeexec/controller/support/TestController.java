package io.kubeexec.controller.support;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.kubeexec.controller.config.Settings;
import io.fabric8.mockwebserver.http.Dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Boots the real controller for a test class: the settings go in as system properties (which Camel's properties
 * component reads over application.properties), the API server is a fabric8 mock in CRUD mode, and requests go
 * over real HTTPS to a free port, trusting only the test certificate.
 */
public final class TestController {

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final KubernetesMockServer apiServer;
    private final int port;
    private final int healthPort;
    private final HttpClient https;
    private final HttpClient plain;
    private final KubernetesClient kube;

    public TestController(Map<String, String> extraSettings) {
        this(extraSettings, UnaryOperator.identity());
    }

    /** {@code inFront} may wrap the mock's dispatcher, e.g. to make the API server fail for a while. */
    public TestController(Map<String, String> extraSettings, UnaryOperator<Dispatcher> inFront) {
        // CRUD mode, plus expectations (the mock cannot evict, so eviction answers come from expectations).
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        apiServer = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                inFront.apply(new KubernetesMixedDispatcher(expectations)), false);
        apiServer.init();
        port = freePort();
        healthPort = freePort();
        properties.put("cert-path", resource("tls/tls.crt").toString());
        properties.put("key-path", resource("tls/tls.key").toString());
        properties.put("port", Integer.toString(port));
        properties.put("bind-address", "127.0.0.1");
        properties.put("health-port", Integer.toString(healthPort));
        properties.put("health-bind-address", "127.0.0.1");
        properties.put("api-server", apiServer.url("/").replaceAll("/$", ""));
        properties.put("shutdown-delay", "0s");
        properties.put("scan-interval", "200ms");
        // The mock server needs no credentials; never pick up a developer's kubeconfig.
        properties.put("kubernetes.auth.tryKubeConfig", "false");
        properties.put("kubernetes.auth.tryServiceAccount", "false");
        properties.putAll(extraSettings);
        // Where the routes come from, as the launcher tells Camel Main (application.properties has the default).
        if (properties.containsKey("routes-dir") || properties.containsKey("routes-extra-dir")) {
            properties.putAll(Settings.routeProperties(properties.getOrDefault("routes-dir", ""),
                    properties.getOrDefault("routes-extra-dir", ""),
                    Boolean.parseBoolean(properties.getOrDefault("routes-reload", "false"))));
        }
        properties.forEach(System::setProperty);
        https = HttpClient.newBuilder().sslContext(trustingTestCertificate())
                .connectTimeout(Duration.ofSeconds(5)).build();
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        kube = apiServer.createClient();
    }

    /**
     * The mock cannot evict: each eviction POST for the pod gets the next (status, body) pair, the last one for
     * good. Returns the bodies posted.
     */
    public List<String> expectEvictions(String namespace, String pod, Object... replies) {
        List<String> bodies = new CopyOnWriteArrayList<>();
        for (int i = 0; i < replies.length; i += 2) {
            Object body = replies[i + 1];
            var expectation = apiServer.expect().post()
                    .withPath("/api/v1/namespaces/" + namespace + "/pods/" + pod + "/eviction")
                    .andReply((int) replies[i], request -> {
                        bodies.add(request.getUtf8Body());
                        return body;
                    });
            if (i + 2 < replies.length) {
                expectation.once();
            } else {
                expectation.always(); // the last answer stays
            }
        }
        return bodies;
    }

    /** The notes of the Events announced on a pod. */
    public List<String> eventNotes(String namespace, String pod) {
        return kube.events().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getRegarding() != null && pod.equals(e.getRegarding().getName()))
                .map(Event::getNote).toList();
    }

    /** A client of the mock API server, for arranging pods and checking what the controller did. */
    public KubernetesClient kube() {
        return kube;
    }

    public KubernetesMockServer apiServer() {
        return apiServer;
    }

    public int port() {
        return port;
    }

    public HttpResponse<String> post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public int healthPort() {
        return healthPort;
    }

    /** A GET on the plain-HTTP health and metrics port. */
    public HttpResponse<String> getHealth(String path) {
        return send(plain, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path)).GET());
    }

    /** Any request on the plain-HTTP health and metrics port. */
    public HttpResponse<String> sendHealth(HttpRequest.Builder request) {
        return send(plain, request);
    }

    public HttpClient client() {
        return https;
    }

    public URI uri(String path) {
        try {
            return new URI("https://127.0.0.1:" + port + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return send(https, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void close() {
        kube.close();
        properties.keySet().forEach(System::clearProperty);
        apiServer.destroy();
    }

    public static String fixture(String name) {
        try (InputStream in = TestController.class.getResourceAsStream("/admission/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path resource(String name) {
        try {
            return Path.of(TestController.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no test resource " + name, e);
        }
    }

    public static SSLContext trustingTestCertificate() {
        try (InputStream in = TestController.class.getResourceAsStream("/tls/tls.crt")) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the test certificate", e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
