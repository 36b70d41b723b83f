package io.kubeexec.e2e;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeexec.contract.GoTime;
import io.kubeexec.controller.support.TestController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end on a real kube-apiserver v1.20.2 and etcd: the built controller runs as its own process through
 * {@code bin/kube-exec-controller}, is registered as a ValidatingWebhook by URL and caBundle, and the real
 * {@code kubectl} drives it. No kubelet runs, so {@code kubectl exec} itself fails after admission.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerE2EIT {

    private static final String NS = "e2e";
    // Long enough for the extension scenario to run before the pod is due, even on a slow machine.
    private static final int TTL_SECONDS = 20;

    private KubeAPIServer apiServer;
    private Path kubeconfig;
    private KubernetesClient kube;
    private Process controller;
    private Path controllerLog;
    private int port;

    @BeforeAll
    void start() throws Exception {
        apiServer = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion("1.20.2").withUpdateKubeConfig(false).build());
        apiServer.start();
        kubeconfig = Files.createTempFile("e2e-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, apiServer.getKubeConfigYaml());
        kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml())).build();

        port = TestController.freePort();
        controllerLog = Path.of(System.getProperty("project.build.directory", "target"), "e2e-controller.log");
        ProcessBuilder launcher = new ProcessBuilder("bin/kube-exec-controller",
                "-cert-path", TestController.resource("tls/tls.crt").toString(),
                "--key-path=" + TestController.resource("tls/tls.key"),
                "-port", Integer.toString(port),
                "-bind-address", "127.0.0.1",
                "-ttl-seconds", Integer.toString(TTL_SECONDS),
                "-scan-interval", "1s",
                "-shutdown-delay", "0s")
                .redirectErrorStream(true).redirectOutput(controllerLog.toFile());
        launcher.environment().put("KUBECONFIG", kubeconfig.toString());
        launcher.environment().put("KEC_JAR", System.getProperty("controller.jar", "target/kube-exec-controller.jar"));
        controller = launcher.start();
        awaitReady();

        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        registerWebhooks();
    }

    @AfterAll
    void stop() throws Exception {
        if (controller != null && controller.isAlive()) {
            controller.destroy();
            controller.waitFor();
        }
        if (kube != null) {
            kube.close();
        }
        if (apiServer != null) {
            apiServer.stop();
        }
    }

    @Test
    @Order(1)
    void aRealKubectlExecLabelsThePodAndAnnouncesEvents1And2() {
        createPod("exec-me");
        long before = Instant.now().getEpochSecond();

        Command exec = kubectl("exec", "-n", NS, "exec-me", "--", "ls");

        // No kubelet: the exec fails, but only after the API server admitted it through the webhook.
        assertThat(exec.exitCode()).isNotZero();
        assertThat(exec.stderr()).contains("does not have a host assigned");
        Pod pod = awaitLabelled("exec-me");
        Map<String, String> labels = pod.getMetadata().getLabels();
        long timestamp = Long.parseLong(labels.get("box.com/podInitialInteractionTimestamp"));
        assertThat(timestamp).isGreaterThanOrEqualTo(before - 1);
        assertThat(labels).containsKey("box.com/podInteractorUsername")
                .containsEntry("box.com/podTTLDuration", TTL_SECONDS + "s");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("box.com/podTerminationTime",
                GoTime.format(Instant.ofEpochSecond(timestamp + TTL_SECONDS)));
        List<String> notes = awaitEventMessages("exec-me", 2);
        assertThat(notes).anySatisfy(n -> assertThat(n)
                .startsWith("Pod was interacted with 'kubectl exec/attach' command by a user '"));
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith("Pod will be evicted at time "
                + GoTime.format(Instant.ofEpochSecond(timestamp + TTL_SECONDS))));
    }

    @Test
    @Order(2)
    void removingAProtectedLabelIsDeniedWithTheOriginalMessage() {
        Command label = kubectl("label", "pod", "-n", NS, "exec-me", "box.com/podTTLDuration-");

        assertThat(label.exitCode()).isNotZero();
        assertThat(label.stderr()).contains("The following Pod labels cannot be updated or removed once set: "
                + "box.com/podInitialInteractionTimestamp box.com/podTTLDuration");
        assertThat(kube.pods().inNamespace(NS).withName("exec-me").get().getMetadata().getLabels())
                .containsKey("box.com/podTTLDuration");
    }

    @Test
    @Order(2)
    void removingAProtectedLabelThroughTheStatusSubresourceIsDeniedToo() {
        Command patch = kubectl("patch", "pod", "-n", NS, "exec-me", "--subresource=status", "--type=merge",
                "-p", "{\"metadata\":{\"labels\":{\"box.com/podInitialInteractionTimestamp\":null}}}");

        assertThat(patch.exitCode()).isNotZero();
        assertThat(patch.stderr()).contains("The following Pod labels cannot be updated or removed once set");
        assertThat(kube.pods().inNamespace(NS).withName("exec-me").get().getMetadata().getLabels())
                .containsKey("box.com/podInitialInteractionTimestamp");
    }

    @Test
    @Order(3)
    void anAnnotatedExtensionIsRecordedWithEvent3AndALaterEvictionTime() {
        Pod pod = awaitLabelled("exec-me");
        long timestamp = Long.parseLong(pod.getMetadata().getLabels().get("box.com/podInitialInteractionTimestamp"));

        Command annotate = kubectl("annotate", "pod", "-n", NS, "exec-me", "box.com/podExtendedDuration=1m");

        assertThat(annotate.exitCode()).as(annotate.stderr()).isZero();
        String newTime = GoTime.format(Instant.ofEpochSecond(timestamp + TTL_SECONDS + 60));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                kube.pods().inNamespace(NS).withName("exec-me").get().getMetadata().getAnnotations())
                .containsKey("box.com/podExtensionRequester")
                .containsEntry("box.com/podTerminationTime", newTime));
        assertThat(awaitEventMessages("exec-me", 4)).anySatisfy(n -> assertThat(n)
                .startsWith("Pod eviction time has been extended by '1m', as requested from user '")
                .endsWith("'. New eviction time: " + newTime));
        // Its original TTL has passed, but the extension keeps it.
        await().pollDelay(Duration.ofSeconds(Math.max(0, timestamp + TTL_SECONDS + 3 - Instant.now().getEpochSecond())))
                .atMost(Duration.ofSeconds(30))
                .until(() -> kube.pods().inNamespace(NS).withName("exec-me").get() != null);
    }

    @Test
    @Order(4)
    void aTouchedPodIsEvictedOnceItsTtlHasPassed() {
        createPod("evict-me");
        kubectl("exec", "-n", NS, "evict-me", "--", "ls");
        awaitLabelled("evict-me");

        await().atMost(Duration.ofSeconds(TTL_SECONDS + 30))
                .until(() -> kube.pods().inNamespace(NS).withName("evict-me").get() == null);
        assertThat(readLog()).contains("pod=" + NS + "/evict-me").contains("evicted, TTL expired")
                // kube-apiserver 1.20 refuses policy/v1 Evictions: the fallback was taken.
                .contains("takes policy/v1beta1 Evictions");
    }

    @Test
    @Order(4)
    void aPodRecreatedWithTheSameNameIsNotEvictedInPlaceOfItsPredecessor() {
        createPod("recreated");
        kubectl("exec", "-n", NS, "recreated", "--", "ls");
        Pod touched = awaitLabelled("recreated");
        long due = Long.parseLong(touched.getMetadata().getLabels().get("box.com/podInitialInteractionTimestamp"))
                + TTL_SECONDS;
        kube.pods().inNamespace(NS).withName("recreated").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> kube.pods().inNamespace(NS).withName("recreated").get() == null);

        createPod("recreated"); // as a StatefulSet would: same name, new UID, no interaction
        String newUid = kube.pods().inNamespace(NS).withName("recreated").get().getMetadata().getUid();

        // Past the predecessor's eviction time and several scans (every second): the new pod stays.
        await().pollDelay(Duration.ofSeconds(Math.max(0, due + 4 - Instant.now().getEpochSecond())))
                .atMost(Duration.ofSeconds(TTL_SECONDS + 30))
                .until(() -> kube.pods().inNamespace(NS).withName("recreated").get() != null);
        assertThat(kube.pods().inNamespace(NS).withName("recreated").get().getMetadata().getUid()).isEqualTo(newUid);
        assertThat(readLog()).doesNotContainPattern("pod=" + NS + "/recreated user=\\S+: evicted");
    }

    @Test
    @Order(5)
    void theControllerLogsThePodUserAndDecision() {
        assertThat(readLog()).containsPattern("pod=e2e/exec-me user=\\S+ kind=exec .*decision=allowed");
    }

    @Test
    @Order(6)
    void sigtermTurnsReadinessOffStopsTheListenerThenDrainsAndExits() throws Exception {
        controller.destroy(); // SIGTERM

        assertThat(controller.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // The JVM exits with 128 + SIGTERM once its shutdown hooks (Camel's graceful stop) have run.
        assertThat(controller.exitValue()).isIn(0, 143);
        String log = readLog();
        int readinessOff = log.indexOf("Stopping: readiness is 503");
        int listenerStopped = log.indexOf("Stopping Undertow server");
        int drained = log.indexOf("Stopped: the queues are drained");
        assertThat(readinessOff).isNotNegative();
        assertThat(listenerStopped).isGreaterThan(readinessOff);
        assertThat(drained).isGreaterThan(listenerStopped);
    }

    private void createPod(String name) {
        kube.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", "e2e")
                // An owner to recreate it: bare pods are not evicted by default.
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("e2e-rs")
                .withUid("4b7e4a4e-0000-4000-8000-000000000001").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec()
                .build()).create();
    }

    private Pod awaitLabelled(String name) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Pod pod = kube.pods().inNamespace(NS).withName(name).get();
            return pod != null && pod.getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp");
        });
        return kube.pods().inNamespace(NS).withName(name).get();
    }

    /** Core/v1 Events, as {@code kubectl describe pod} shows them. */
    private List<String> awaitEventMessages(String pod, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> events(pod).size() >= count);
        return events(pod).stream().map(Event::getMessage).toList();
    }

    private List<Event> events(String pod) {
        return kube.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName())).toList();
    }

    private Command kubectl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return Command.run(command, Map.of(), Duration.ofSeconds(60));
    }

    private void registerWebhooks() throws IOException {
        byte[] ca = Files.readAllBytes(TestController.resource("tls/tls.crt"));
        String caBundle = Base64.getEncoder().encodeToString(ca);
        String base = "https://127.0.0.1:" + port;
        kube.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata().withName("kube-exec-controller-e2e").endMetadata()
                        .addNewWebhook().withName("pod-interaction.kube-exec-controller.io")
                        .withNewClientConfig().withUrl(base + "/admit-pod-interaction").withCaBundle(caBundle)
                        .endClientConfig()
                        .addNewRule().withOperations("CONNECT").withApiGroups("").withApiVersions("v1")
                        .withResources("pods/exec", "pods/attach", "pods/portforward").endRule()
                        .withFailurePolicy("Fail").withSideEffects("NoneOnDryRun").withTimeoutSeconds(10)
                        .withAdmissionReviewVersions("v1", "v1beta1").endWebhook()
                        .addNewWebhook().withName("pod-update.kube-exec-controller.io")
                        .withNewClientConfig().withUrl(base + "/admit-pod-update").withCaBundle(caBundle)
                        .endClientConfig()
                        .addNewRule().withOperations("UPDATE").withApiGroups("").withApiVersions("v1")
                        .withResources("pods", "pods/status", "pods/ephemeralcontainers").endRule()
                        .withFailurePolicy("Fail").withSideEffects("NoneOnDryRun").withTimeoutSeconds(10)
                        .withAdmissionReviewVersions("v1", "v1beta1").endWebhook()
                        .build())
                .create();
        // The API server picks up webhook configurations asynchronously: wait until a protected change is denied.
        createPod("canary");
        kubectl("exec", "-n", NS, "canary", "--", "true");
        awaitLabelled("canary");
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().sslContext(TestController.trustingTestCertificate()).build();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!controller.isAlive()) {
                throw new IllegalStateException("controller exited:\n" + readLog());
            }
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
                        java.net.URI.create("https://127.0.0.1:" + port + "/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return ready.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private String readLog() {
        try {
            return Files.readString(controllerLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
