package io.kubeexec.e2e;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful restart under load, on a real kube-apiserver v1.20.2: about 200 interaction reviews a second, each for
 * its own pod, arrive over HTTPS while the controller process gets SIGTERM and a new one starts on the same port.
 * Every review that was answered {@code allowed} must end up as labels on its pod: zero lost. Reviews that found no
 * listener do not count (the API server's failurePolicy decides for those).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulRestartIT {

    private static final String NS = "restart";
    private static final int PODS = 1000;
    private static final long INTERVAL_MICROS = 5_000; // 200 a second
    private static final int SENDERS = 16;
    private static final String TIMESTAMP = "box.com/podInitialInteractionTimestamp";

    private KubeAPIServer apiServer;
    private Path kubeconfig;
    private KubernetesClient kube;
    private int port;
    private final List<Process> controllers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        apiServer = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion("1.20.2").withUpdateKubeConfig(false).build());
        apiServer.start();
        kubeconfig = Files.createTempFile("restart-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, apiServer.getKubeConfigYaml());
        kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml())).build();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        ExecutorService creators = Executors.newFixedThreadPool(8);
        try {
            CompletableFuture.allOf(IntStream.range(0, PODS).mapToObj(i -> CompletableFuture.runAsync(() ->
                    kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(pod(i))
                            .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("nginx")
                            .endContainer().endSpec().build()).create(), creators))
                    .toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } finally {
            creators.shutdown();
        }
        port = TestController.freePort();
    }

    @AfterAll
    void stop() throws Exception {
        for (Process controller : controllers) {
            if (controller.isAlive()) {
                controller.destroyForcibly().waitFor();
            }
        }
        if (kube != null) {
            kube.close();
        }
        if (apiServer != null) {
            apiServer.stop();
        }
    }

    @Test
    void everyInteractionAnsweredAllowedAcrossASigtermAndRestartEndsUpAsLabelsOnItsPod() throws Exception {
        Process first = launch("first");
        awaitReady(first, "first");
        HttpClient https = HttpClient.newBuilder().sslContext(TestController.trustingTestCertificate())
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Set<String> allowed = ConcurrentHashMap.newKeySet();
        Map<String, String> otherAnswers = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger allowedByFirst = new AtomicInteger();
        Process[] current = {first};

        // 16 senders on kept-alive connections, each at 12.5 reviews a second: 200 a second together. (One new TLS
        // connection per request cannot even be set up at that rate on a busy 2-core machine.)
        ScheduledExecutorService load = Executors.newScheduledThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            load.scheduleWithFixedDelay(() -> {
                int i = sent.getAndIncrement();
                if (i >= PODS) {
                    return;
                }
                String pod = pod(i);
                boolean toFirst = current[0] == first;
                try {
                    HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                                    + port + "/admit-pod-interaction?timeout=10s"))
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Reviews.exec(NS, pod, "alice"))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200 && response.body().contains("\"allowed\":true")) {
                        allowed.add(pod);
                        if (toFirst) {
                            allowedByFirst.incrementAndGet();
                        }
                    } else {
                        otherAnswers.put(pod, response.statusCode() + " " + response.body());
                    }
                } catch (IOException e) {
                    otherAnswers.put(pod, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, s * INTERVAL_MICROS, INTERVAL_MICROS * SENDERS, TimeUnit.MICROSECONDS);
        }
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(allowed.size())
                    .as("answered allowed of %d sent; other answers: %s", sent.get(), summary(otherAnswers))
                    .isGreaterThanOrEqualTo(200));
            first.destroy(); // SIGTERM, in the middle of the stream

            assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the first controller exits").isTrue();
            assertThat(first.exitValue()).isIn(0, 143);
            int beforeRestart = allowed.size();
            Process second = launch("second");
            current[0] = second;
            awaitReady(second, "second");
            await().atMost(Duration.ofSeconds(30)).until(() -> allowed.size() >= beforeRestart + 100
                    || sent.get() >= PODS);
        } finally {
            load.shutdown();
            assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(allowedByFirst.get()).as("answered by the first controller").isGreaterThanOrEqualTo(200);
        assertThat(allowed.size() - allowedByFirst.get()).as("answered by the second controller").isPositive();
        assertThat(readLog("first")).contains("Stopped: the queues are drained")
                .doesNotContain("Not recorded, stopped before it succeeded");
        // Labelled means recorded: the state lives on the pod only.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<String> labelled = kube.pods().inNamespace(NS).withLabel(TIMESTAMP).list().getItems().stream()
                    .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
            assertThat(allowed).as("answered allowed (%d), not labelled; other answers: %s", allowed.size(),
                    summary(otherAnswers)).allMatch(labelled::contains);
        });
        Pod one = kube.pods().inNamespace(NS).withName(allowed.iterator().next()).get();
        assertThat(one.getMetadata().getLabels()).containsEntry("box.com/podInteractorUsername", "alice")
                .containsEntry("box.com/podTTLDuration", "10m0s");
    }

    private static Map<String, Long> summary(Map<String, String> answers) {
        return answers.values().stream().map(a -> a.length() > 80 ? a.substring(0, 80) : a)
                .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
    }

    private static String pod(int i) {
        return "pod-" + i;
    }

    private Process launch(String name) throws IOException {
        ProcessBuilder launcher = new ProcessBuilder("bin/kube-exec-controller",
                "-cert-path", TestController.resource("tls/tls.crt").toString(),
                "-key-path", TestController.resource("tls/tls.key").toString(),
                "-port", Integer.toString(port),
                "-bind-address", "127.0.0.1",
                "-ttl-seconds", "600",
                "-shutdown-delay", "1s")
                .redirectErrorStream(true).redirectOutput(log(name).toFile());
        launcher.environment().put("KUBECONFIG", kubeconfig.toString());
        launcher.environment().put("KEC_JAR", System.getProperty("controller.jar", "target/kube-exec-controller.jar"));
        Process process = launcher.start();
        controllers.add(process);
        return process;
    }

    private void awaitReady(Process controller, String name) {
        HttpClient client = HttpClient.newBuilder().sslContext(TestController.trustingTestCertificate()).build();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!controller.isAlive()) {
                throw new IllegalStateException("controller " + name + " exited:\n" + readLog(name));
            }
            try {
                return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                        + "/health/readiness")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static Path log(String name) {
        return Path.of(System.getProperty("project.build.directory", "target"), "restart-controller-" + name + ".log");
    }

    private static String readLog(String name) {
        try {
            return Files.readString(log(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
