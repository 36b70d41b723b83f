package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kubeexec.pi.kube.ApiClient;
import io.kubeexec.pi.kube.ConnectionFlags;
import io.kubeexec.pi.kube.KubeConfigLoader;
import io.kubeexec.pi.kube.KubeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pod calls against a server on loopback that answers as the API server does: lists come in pages joined by the
 * server's {@code continue} token, and a watch hands over each change until the server ends it or sends an ERROR.
 */
class PodApiTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** Serves {@code answers} in turn, one per request, recording each request's path, query and Accept header. */
    private PodApi serve(String... answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery() + " "
                    + exchange.getRequestHeaders().getFirst("Accept"));
            byte[] body = answers[Math.min(requests.size(), answers.length) - 1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        ConnectionFlags flags = new ConnectionFlags(null, null, null, null,
                "http://127.0.0.1:" + server.getAddress().getPort(), "t", null, null, null, null, null, null, null,
                List.of(), null);
        Path nowhere = Path.of("/nonexistent-kubectl-pi-test");
        return new PodApi(new ApiClient(new KubeConfigLoader(k -> null, nowhere, nowhere).load(flags), k -> null,
                false));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String pod(String name) {
        return "{\"metadata\":{\"namespace\":\"shop\",\"name\":\"" + name + "\",\"labels\":{\"app\":\"web\"}}}";
    }

    @Test
    void aListIsReadPageByPageUntilTheServerGivesNoContinueToken() throws IOException {
        PodApi pods = serve(
                "{\"metadata\":{\"continue\":\"next page=1\"},\"items\":[" + pod("a") + "," + pod("b") + "]}",
                "{\"metadata\":{\"continue\":\"\"},\"items\":[" + pod("c") + "]}");

        List<PodMeta> list = pods.list("shop", "app=web");

        assertThat(list).extracting(PodMeta::name).containsExactly("a", "b", "c");
        assertThat(list.get(0).labels()).isEqualTo(Map.of("app", "web"));
        assertThat(requests).containsExactly(
                "/api/v1/namespaces/shop/pods?limit=500&labelSelector=app%3Dweb "
                        + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
                "/api/v1/namespaces/shop/pods?limit=500&labelSelector=app%3Dweb&continue=next+page%3D1 "
                        + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json");
    }

    @Test
    void theNamespacesAreReadPageByPageToo() throws IOException {
        PodApi pods = serve("{\"metadata\":{\"continue\":\"2\"},\"items\":[{\"metadata\":{\"name\":\"default\"}}]}",
                "{\"metadata\":{},\"items\":[{\"metadata\":{\"name\":\"shop\"}}]}");

        assertThat(pods.namespaces()).containsExactly("default", "shop");
        assertThat(requests).extracting(r -> r.substring(0, r.indexOf(' ')))
                .containsExactly("/api/v1/namespaces?limit=500", "/api/v1/namespaces?limit=500&continue=2");
    }

    @Test
    void aWatchHandsOverEachChangeSkipsBookmarksAndFailsWithTheServersMessage() throws IOException {
        PodApi pods = serve("{\"type\":\"ADDED\",\"object\":" + pod("a") + "}\n"
                + "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"7\"}}}\n"
                + "{\"type\":\"MODIFIED\",\"object\":" + pod("a") + "}\n"
                + "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"message\":\"too old resource version\"}}\n");
        List<String> seen = new ArrayList<>();

        assertThatThrownBy(() -> pods.watch(null, null, (type, pod) -> seen.add(type + " " + pod.name())))
                .isInstanceOf(KubeException.class).hasMessage("the watch failed: too old resource version");
        assertThat(seen).containsExactly("ADDED a", "MODIFIED a");
        assertThat(requests).containsExactly(
                "/api/v1/pods?watch=1 application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json");
    }
}
