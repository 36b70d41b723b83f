package io.kubeexec.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.support.TestPods;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three examples of routes/examples, loaded as an operator would (-routes-extra-dir routes/examples
 * -routes-exclude record-interaction) next to the real built-in routes: an HTTP sink on a free port receives the
 * eviction notification, the JSON-lines log is read back, and a listed namespace gets the longer TTL.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleRoutesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEAM = "team-a";
    private static final String OTHER = "team-z";

    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private HttpServer sink;
    private Path logDir;
    private TestController controller;
    private KubernetesClient kube;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() throws IOException {
        sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.createContext("/hooks/evictions", exchange -> {
            if ("POST".equals(exchange.getRequestMethod())) {
                posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        sink.start();
        logDir = Files.createTempDirectory("interaction-log");
        controller = new TestController(Map.of(
                "routes-extra-dir", Path.of("routes/examples").toAbsolutePath().toString(),
                "routes-exclude", "record-interaction",
                "eviction-notify-url", "http://127.0.0.1:" + sink.getAddress().getPort() + "/hooks/evictions",
                "interaction-log-dir", logDir.toString(),
                "long-ttl-namespaces", TEAM + ",team-b",
                "long-ttl", "4h",
                "ttl-seconds", "600"));
        kube = controller.kube();
    }

    @AfterAll
    void stop() {
        controller.close();
        sink.stop(0);
        try (var files = Files.list(logDir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
            Files.delete(logDir);
        } catch (IOException e) {
            // a leftover temporary directory
        }
    }

    @Test
    void anEvictionIsPostedAsJsonToTheHttpEndpoint() throws IOException {
        TestPods.expectEviction(controller.apiServer(), OTHER, "to-evict");
        String uid = TestPods.createExpired(kube, OTHER, "to-evict", "alice").getMetadata().getUid();

        await().atMost(Duration.ofSeconds(15)).until(() -> !posted.isEmpty());
        JsonNode notification = JSON.readTree(posted.get(0));
        assertThat(notification.path("type").asText()).isEqualTo("eviction");
        assertThat(notification.path("namespace").asText()).isEqualTo(OTHER);
        assertThat(notification.path("pod").asText()).isEqualTo("to-evict");
        assertThat(notification.path("uid").asText()).isEqualTo(uid);
        assertThat(notification.path("interactor").asText()).isEqualTo("alice");
        assertThat(notification.path("text").asText()).startsWith("Pod " + OTHER + "/to-evict was evicted");
        assertThat(contentTypes.get(0)).startsWith("application/json");
    }

    @Test
    void eachInteractionIsOneJsonLineInTheLog() throws IOException {
        TestPods.create(kube, OTHER, "logged-1");
        TestPods.create(kube, OTHER, "logged-2");

        controller.post("/admit-pod-interaction", Reviews.exec(OTHER, "logged-1", "alice"));
        controller.post("/admit-pod-interaction", Reviews.exec(OTHER, "logged-2", "bob"));
        controller.post("/admit-pod-interaction", Reviews.exec(OTHER, "logged-1", "carol"));

        Path log = logDir.resolve("interactions.jsonl");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.readAllLines(log).stream()
                .filter(l -> l.contains("\"logged-")).count() == 3);
        List<JsonNode> lines = Files.readAllLines(log).stream().filter(l -> l.contains("\"logged-")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("not one JSON object per line: " + l, e);
            }
        }).toList();
        assertThat(lines).extracting(l -> l.path("pod").asText() + " " + l.path("user").asText())
                .containsExactlyInAnyOrder("logged-1 alice", "logged-2 bob", "logged-1 carol");
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.path("type").asText()).isEqualTo("interaction");
            assertThat(l.path("kind").asText()).isEqualTo("exec");
            assertThat(l.path("namespace").asText()).isEqualTo(OTHER);
            assertThat(l.path("command").get(0).asText()).isEqualTo("sh");
        });
        assertThat(Files.readString(log)).endsWith("}\n");
    }

    @Test
    void aListedNamespaceGetsTheLongerTtlAndOthersTheDefault() {
        TestPods.create(kube, TEAM, "team-pod");
        TestPods.create(kube, OTHER, "other-pod");

        controller.post("/admit-pod-interaction", Reviews.exec(TEAM, "team-pod", "alice"));
        controller.post("/admit-pod-interaction", Reviews.exec(OTHER, "other-pod", "alice"));

        assertThat(TestPods.awaitLabels(kube, TEAM, "team-pod")).containsEntry("box.com/podTTLDuration", "4h0m0s");
        assertThat(TestPods.awaitLabels(kube, OTHER, "other-pod")).containsEntry("box.com/podTTLDuration", "10m0s");
        // The replacement takes what it recorded out of the ledger, or a stop would report it lost.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(context.getRegistry()
                .lookupByNameAndType("metrics", Metrics.class).scrape())
                .contains("kube_exec_controller_pending{queue=\"interact\"} 0"));
    }
}
