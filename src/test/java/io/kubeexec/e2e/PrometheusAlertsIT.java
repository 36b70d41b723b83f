package io.kubeexec.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped alert rules and dashboard on a real Prometheus (Debian's) that scrapes a real controller, on loopback,
 * while a real kube-apiserver goes away and comes back. Every metric the rules and the dashboard name is in the
 * controller's scrape, every dashboard query returns data, and the alerts go pending, fire and resolve as the
 * outage, its end and the controller's death happen. The rules are the shipped file with every {@code for:} cut to
 * a few seconds (their durations are minutes; the expressions are unchanged).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusAlertsIT {

    private static final String NS = "alerts";
    private static final String FOR = "3s";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern METRIC = Pattern.compile("kube_exec_controller_[a-z_]+");

    private StoppableApiServer apiServer;
    private KubernetesClient kube;
    private ControllerProcess controller;
    private Process prometheus;
    private Path prometheusLog;
    private int prometheusPort;

    @BeforeAll
    void start() throws Exception {
        apiServer = StoppableApiServer.start("alerts");
        kube = apiServer.kube();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        controller = ControllerProcess.start("alerts", apiServer.kubeconfig(), "-ttl-seconds", "3600",
                "-scan-interval", "1s", "-shutdown-delay", "0s").awaitReady();
        prometheus = startPrometheus(controller.healthPort());
    }

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
        if (controller != null) {
            controller.close();
        }
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @Test
    void theAlertsFireAndResolveAsARealControllerLosesAndRegainsItsApiServer() throws Exception {
        // Interactions recorded, so every series has moved and the dashboard has something to show.
        createPod("web-3"); // exec'd during the outage
        for (String pod : List.of("web-0", "web-1", "web-2")) {
            createPod(pod);
            assertThat(controller.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice")).body())
                    .contains("\"allowed\":true");
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(scalar("max(kube_exec_controller_tracked_pods)")).isEqualTo(3));

        // What the rules and the dashboard read is what the controller exports.
        String scrape = controller.health("/metrics").body();
        Set<String> exported = metricsIn(scrape);
        Set<String> used = new TreeSet<>(metricsIn(Files.readString(rules())));
        used.addAll(metricsIn(Files.readString(dashboard())));
        assertThat(exported).as("the controller's /metrics").containsAll(used);
        // A rate needs two scrapes in its window: the queries get a few seconds to find data.
        for (String query : dashboardQueries()) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(query(query)).as("the dashboard's query " + query).isNotEmpty());
        }
        assertThat(firing()).as("no alert while all is well").isEmpty();

        // The API server goes: new interactions wait, and nothing reaches it.
        apiServer.stopApiServer();
        long down = System.nanoTime();
        try {
            assertThat(controller.post("/admit-pod-interaction", Reviews.exec(NS, "web-3", "alice")).body())
                    .contains("\"allowed\":true");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(firing()).contains("KubeExecControllerWorkPending"));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(firing()).contains("KubeExecControllerApiServerUnreachable"));
            System.out.printf("PrometheusAlertsIT: KubeExecControllerApiServerUnreachable fired %d s into the outage"
                    + " (threshold 30 s, for: %s)%n", Duration.ofNanos(System.nanoTime() - down).toSeconds(), FOR);
            assertThat(firing()).doesNotContain("KubeExecControllerNoReadyReplica");
        } finally {
            apiServer.startApiServer();
        }

        // Back: the work is recorded and both alerts resolve.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(firing()).doesNotContain("KubeExecControllerWorkPending",
                        "KubeExecControllerApiServerUnreachable"));
        assertThat(scalar("sum(kube_exec_controller_pending)")).isZero();

        // The controller dies: no ready replica, which is what denies every exec.
        controller.kill();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(firing()).contains("KubeExecControllerNoReadyReplica"));
    }

    private void createPod(String name) {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec()
                .build()).create();
    }

    private Process startPrometheus(int healthPort) throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("project.build.directory", "target"),
                "prometheus-alerts"));
        String shipped = Files.readString(rules());
        String shortened = shipped.replaceAll("(?m)^(\\s+for: ).*$", "$1" + FOR);
        assertThat(shortened).isNotEqualTo(shipped);
        Files.writeString(dir.resolve("rules.yml"), shortened);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yml]
                scrape_configs:
                  - job_name: kube-exec-controller
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels: {pod: alerts}
                """.formatted(healthPort));
        prometheusPort = TestController.freePort();
        prometheusLog = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + Files.createTempDirectory(dir, "tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited:\n" + Files.readString(prometheusLog));
            }
            try {
                return get("/-/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return process;
    }

    /** The names of the alerts firing now. */
    private Set<String> firing() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode alert : api("/api/v1/alerts").get("alerts")) {
            if ("firing".equals(alert.get("state").asText())) {
                names.add(alert.get("labels").get("alertname").asText());
            }
        }
        return names;
    }

    private JsonNode query(String promql) throws IOException {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("result");
    }

    private double scalar(String promql) throws IOException {
        JsonNode result = query(promql);
        assertThat(result).as(promql).hasSize(1);
        return result.get(0).get("value").get(1).asDouble();
    }

    private JsonNode api(String path) throws IOException {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("data");
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The dashboard's queries, with Grafana's own variable for the rate window made concrete. */
    private static List<String> dashboardQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(dashboard().toFile()).get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries.add(target.get("expr").asText().replace("$__rate_interval", "1m"));
            }
        }
        assertThat(queries).hasSizeGreaterThan(10);
        return queries;
    }

    /** Metric names as the controller exposes them: a histogram's series without _bucket, _count, _sum. */
    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group().replaceFirst("_(bucket|count|sum)$", ""));
        }
        return names;
    }

    private static Path rules() {
        return repo().resolve("kustomize/components/prometheus-rules/kube-exec-controller.rules.yml");
    }

    private static Path dashboard() {
        return repo().resolve("docs/grafana-dashboard.json");
    }

    private static Path repo() {
        return Path.of("").toAbsolutePath();
    }
}
