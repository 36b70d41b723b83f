package io.kubeexec.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeexec.e2e.Command;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kubeexec.cluster.LocalCluster.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole story the way users run it: the controller's own image, deployed with {@code kubectl apply -k} from the
 * demo overlay, on a one-node cluster whose kubelet really runs the exec and whose ReplicaSets recreate evicted pods.
 * The API server reaches the webhook through its Service; the controller reaches the API server with its
 * ServiceAccount, from a pod with a read-only root filesystem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String SYSTEM = "kube-exec-controller";
    private static final String NS = "drift";
    private static final int TTL_SECONDS = 30;
    private static final String WORKLOAD_IMAGE = "kec.local/busybox:1.35";
    private static final Path WORK = Path.of(System.getProperty("project.build.directory", "target"), "cluster-it");
    private static final Path REPO = Path.of("").toAbsolutePath();

    private LocalCluster cluster;

    @BeforeAll
    void deploy() throws IOException {
        Path image = Path.of(System.getProperty("image.tar", "target/jib-image.tar"));
        assertThat(image).as("the controller's image (make image)").exists();
        // -Dcluster.name=NAME: two checkouts can run this tier side by side.
        cluster = LocalCluster.up(System.getProperty("cluster.name", "kec-it"));
        // The demo overlay, deployed as `make deploy` does, with a TTL short enough for a test.
        Path overlay = overlay("demo-fast", List.of("kustomize/overlays/demo"), List.of(), """
                patches:
                  - target: {kind: Deployment, name: kube-exec-controller}
                    patch: |-
                      apiVersion: apps/v1
                      kind: Deployment
                      metadata: {name: kube-exec-controller}
                      spec:
                        template:
                          spec:
                            containers:
                              - name: controller
                                env:
                                  - {name: KEC_TTL_SECONDS, value: "%d"}
                                  - {name: KEC_SCAN_INTERVAL, value: 1s}
                """.formatted(TTL_SECONDS));
        cluster.deploy(overlay, image);
        ok(cluster.kubectl("create", "namespace", NS));
        for (String workload : List.of("web", "guarded", "extended")) {
            deployment(workload, 1, "");
        }
        // Execs run into this one all through the rolling restart: a TTL of its own keeps it from being evicted.
        deployment("steady", 1, "annotations: {box.com/podTTL: 1h}");
        ok(cluster.kubectl("apply", "-f", write("pdb.yaml", """
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: guarded, namespace: %s}
                spec:
                  minAvailable: 1
                  selector: {matchLabels: {app: guarded}}
                """.formatted(NS)).toString()));
        for (String workload : List.of("web", "guarded", "extended", "steady")) {
            ok(cluster.kubectl(Duration.ofMinutes(3), "-n", NS, "rollout", "status", "deployment/" + workload,
                    "--timeout=150s"));
        }
    }

    @AfterAll
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theControllerRunsAsTheManifestsSayWithTheClustersCriticalPriority() {
        JsonNode pod = controllerPods().get(0);
        assertThat(pod.at("/spec/priority").asLong()).isEqualTo(2_000_000_000L);
        assertThat(pod.at("/spec/priorityClassName").asText()).isEqualTo("system-cluster-critical");
        assertThat(pod.at("/status/containerStatuses/0/ready").asBoolean()).isTrue();
        assertThat(pod.at("/status/containerStatuses/0/restartCount").asInt()).isZero();
    }

    @Test
    @Order(2)
    void aRealExecRunsItsCommandAndThePodIsLabelledAndAnnounced() {
        String pod = podOf("web");

        Command exec = cluster.kubectl("exec", "-n", NS, pod, "--", "sh", "-c", "echo drift from $(hostname)");

        assertThat(exec.exitCode()).as(exec.stderr()).isZero();
        assertThat(exec.stdout().trim()).isEqualTo("drift from " + pod);
        JsonNode labels = awaitLabelled(pod);
        assertThat(labels.path("box.com/podTTLDuration").asText()).isEqualTo(TTL_SECONDS + "s");
        assertThat(labels.path("box.com/podInteractorUsername").asText()).isNotEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(events(pod))
                .anySatisfy(m -> assertThat(m).startsWith("Pod was interacted with 'kubectl exec/attach' command by a user '"))
                .anySatisfy(m -> assertThat(m).startsWith("Pod will be evicted at time ")));
    }

    @Test
    @Order(2)
    void kubectlPiGetAndExtendWorkAgainstTheCluster() {
        String pod = podOf("extended");
        ok(cluster.kubectl("exec", "-n", NS, pod, "--", "true"));
        awaitLabelled(pod);

        Command get = cluster.kubectl("pi", "get", "-n", NS, pod);
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(get.stdout()).contains("POD-NAME").contains(pod).contains(TTL_SECONDS + "s");

        Command extend = cluster.kubectl("pi", "extend", "-n", NS, "-d", "10m", "-y", pod);
        assertThat(extend.exitCode()).as(extend.stderr()).isZero();
        assertThat(extend.stdout()).contains("Successfully extended the termination time of pod/" + pod
                + " with a duration=10m0s");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(events(pod))
                .anySatisfy(m -> assertThat(m).startsWith("Pod eviction time has been extended by '10m0s'")));
        assertThat(cluster.kubectl("pi", "get", "-n", NS, pod).stdout()).contains("10m0s");
    }

    @Test
    @Order(2)
    void aDisruptionBudgetTheRealDisruptionControllerComputesBlocksTheEvictionThenAllowsIt() {
        String pod = podOf("guarded");
        await().atMost(Duration.ofSeconds(60)).until(() ->
                cluster.json("-n", NS, "get", "pdb", "guarded").at("/status/currentHealthy").asInt() == 1);
        assertThat(cluster.json("-n", NS, "get", "pdb", "guarded").at("/status/disruptionsAllowed").asInt()).isZero();
        ok(cluster.kubectl("exec", "-n", NS, pod, "--", "true"));
        awaitLabelled(pod);

        await().atMost(Duration.ofSeconds(TTL_SECONDS + 60)).untilAsserted(() -> assertThat(events(pod))
                .anySatisfy(m -> assertThat(m).startsWith("Pod eviction is blocked by a PodDisruptionBudget")));
        assertThat(podUid(pod)).as("still there").isNotEmpty();

        ok(cluster.kubectl("-n", NS, "scale", "deployment/guarded", "--replicas=2"));
        awaitEvicted(pod, Duration.ofSeconds(120), false);
        assertThat(cluster.json("-n", NS, "get", "pods", "-l", "app=guarded").path("items")).isNotEmpty();
    }

    @Test
    @Order(3)
    void afterTheTtlThePodIsEvictedAndItsReplicaSetCreatesACleanOne() {
        String pod = podOf("web");
        String uid = podUid(pod);
        awaitLabelled(pod);

        awaitEvicted(pod, Duration.ofSeconds(TTL_SECONDS + 90), false);
        await().atMost(Duration.ofSeconds(90)).until(() -> running("web").size() == 1);
        JsonNode replacement = running("web").get(0);
        assertThat(replacement.at("/metadata/uid").asText()).isNotEqualTo(uid);
        assertThat(replacement.at("/metadata/labels").has("box.com/podInitialInteractionTimestamp")).isFalse();
        assertThat(replacement.at("/metadata/annotations").has("box.com/podTerminationTime")).isFalse();
    }

    @Test
    @Order(4)
    void anApiServerThatStopsAnsweringForAWhileDoesNotTakeTheControllerOutOfItsService() throws Exception {
        String before = readySince(controllerPods().get(0));
        long apiServer = cluster.pid("kube-apiserver");

        // Longer than the readiness probe's failure threshold (2 x 5 s): before the fix, readiness followed the API.
        new ProcessBuilder("kill", "-STOP", Long.toString(apiServer)).start().waitFor();
        try {
            Thread.sleep(20_000);
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(apiServer)).start().waitFor();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> cluster.kubectl("get", "--raw", "/readyz").exitCode() == 0);
        Thread.sleep(12_000); // the kubelet reports any probe failure from the pause by now

        assertThat(readySince(controllerPods().get(0))).isEqualTo(before);
        String pod = podOf("web");
        Command exec = cluster.kubectl("exec", "-n", NS, pod, "--", "echo", "after the pause");
        assertThat(exec.stdout()).as(exec.stderr()).contains("after the pause");
    }

    @Test
    @Order(5)
    void theProductionShapeSurvivesARollingRestartWhileExecsRunSteadily() throws Exception {
        Path production = Path.of("kustomize/overlays/production");
        Files.createDirectories(WORK.resolve("production-shape"));
        Files.copy(production.resolve("high-availability.yaml"), WORK.resolve("production-shape/high-availability.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // The production overlay itself needs policy/v1 (1.21+); its shape is what matters here:
        // two replicas with leader election, never fewer than two serving, and a budget that keeps one.
        Files.writeString(WORK.resolve("production-shape/pdb.yaml"), """
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: kube-exec-controller, namespace: kube-exec-controller}
                spec:
                  minAvailable: 1
                  selector: {matchLabels: {app.kubernetes.io/name: kube-exec-controller}}
                """);
        Path overlay = overlay("production-shape", List.of(WORK.resolve("demo-fast").toString()),
                List.of("pdb.yaml"), """
                patches:
                  - path: high-availability.yaml
                """);
        ok(cluster.kubectl("apply", "-k", overlay.toString()));
        ok(cluster.kubectl(Duration.ofMinutes(4), "-n", SYSTEM, "rollout", "status", "deployment/" + SYSTEM,
                "--timeout=180s"));
        await().atMost(Duration.ofSeconds(90)).until(() -> controllerPods().size() == 2);

        String pod = podOf("steady");
        SteadyExecs execs = SteadyExecs.start(cluster, NS, pod);
        Thread.sleep(3_000);
        Instant restart = Instant.now();
        ok(cluster.kubectl("-n", SYSTEM, "rollout", "restart", "deployment/" + SYSTEM));
        ok(cluster.kubectl(Duration.ofMinutes(5), "-n", SYSTEM, "rollout", "status", "deployment/" + SYSTEM,
                "--timeout=240s"));
        Thread.sleep(5_000);
        execs.close();

        System.out.printf("rolling restart: %d execs allowed, %d denied, rollout took %s%n", execs.allowed(),
                execs.denied().size(), Duration.between(restart, Instant.now()));
        assertThat(execs.denied()).as("execs denied during the rolling restart").isEmpty();
        assertThat(execs.allowed()).isGreaterThan(20);
        assertThat(awaitLabelled(pod).path("box.com/podTTLDuration").asText()).isEqualTo("1h0m0s");

        // A leader was elected with the Role's grants alone, and its scan evicts a touched pod. Evicted is enough:
        // on a busy machine the kubelet was seen to keep an evicted pod Terminating for over a minute.
        String touched = podOf("web");
        ok(cluster.kubectl("exec", "-n", NS, touched, "--", "true"));
        awaitLabelled(touched);
        awaitEvicted(touched, Duration.ofSeconds(TTL_SECONDS + 60), true);
    }

    @Test
    @Order(6)
    void theControllerWasNeverRefusedACallByTheApiServer() {
        for (JsonNode pod : controllerPods()) {
            String name = pod.at("/metadata/name").asText();
            Command logs = cluster.kubectl("-n", SYSTEM, "logs", name);
            assertThat(logs.exitCode()).as(logs.stderr()).isZero();
            assertThat(logs.stdout()).as(name + "'s log").doesNotContain("is forbidden").doesNotContain("Unauthorized");
        }
    }

    @Test
    @Order(7)
    void withTheControllerScaledToZeroAnExecIsDeniedClearlyAndTheOffSwitchRestoresExec() throws IOException {
        ok(cluster.kubectl("-n", SYSTEM, "scale", "deployment/" + SYSTEM, "--replicas=0"));
        await().atMost(Duration.ofSeconds(90)).until(() -> controllerPods().isEmpty());

        // pods/status fails open: the kubelet still reports the status of a pod carrying the interaction labels,
        // so it becomes Running and Ready while no replica answers.
        ok(cluster.kubectl("apply", "-f", write("labelled.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: labelled
                  namespace: %s
                  labels:
                    box.com/podInitialInteractionTimestamp: "%d"
                    box.com/podInteractorUsername: alice
                    box.com/podTTLDuration: 24h0m0s
                spec:
                  dnsPolicy: Default
                  terminationGracePeriodSeconds: 1
                  containers:
                    - {name: app, image: %s, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
                """.formatted(NS, Instant.now().getEpochSecond(), WORKLOAD_IMAGE)).toString()));
        await().atMost(Duration.ofSeconds(90)).until(() ->
                cluster.json("-n", NS, "get", "pod", "labelled").at("/status/containerStatuses/0/ready").asBoolean());

        String pod = running("web").get(0).at("/metadata/name").asText();
        Command denied = cluster.kubectl("exec", "-n", NS, pod, "--", "true");
        assertThat(denied.exitCode()).isNotZero();
        assertThat(denied.stderr()).contains("failed calling webhook \"pod-interaction.kube-exec-controller.kubeexec.io\"")
                .contains("kube-exec-controller");

        // The documented off-switch: without the webhook configuration the API server calls nobody.
        ok(cluster.kubectl("delete", "validatingwebhookconfiguration", "kube-exec-controller"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Command exec = cluster.kubectl("exec", "-n", NS, pod, "--", "echo", "restored");
            assertThat(exec.stdout()).as(exec.stderr()).contains("restored");
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    /** {@code metadata}: more of the pod template's metadata, as a YAML flow mapping entry, or "". */
    private void deployment(String name, int replicas, String metadata) throws IOException {
        ok(cluster.kubectl("apply", "-f", write(name + ".yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  replicas: %3$d
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}%5$s}
                    spec:
                      dnsPolicy: Default
                      terminationGracePeriodSeconds: 1
                      containers:
                        - name: app
                          image: %4$s
                          imagePullPolicy: IfNotPresent
                          command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
                """.formatted(name, NS, replicas, WORKLOAD_IMAGE, metadata.isEmpty() ? "" : ", " + metadata))
                .toString()));
    }

    /**
     * A kustomization in target/ on top of other kustomizations ({@code bases}: directories, relative to the
     * repository or absolute), with its own {@code files} as resources and {@code patches}.
     */
    private Path overlay(String name, List<String> bases, List<String> files, String patches) throws IOException {
        Path dir = WORK.resolve(name).toAbsolutePath();
        Files.createDirectories(dir);
        StringBuilder kustomization = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources:\n");
        for (String base : bases) {
            kustomization.append("  - ").append(dir.relativize(REPO.resolve(base).toAbsolutePath())).append('\n');
        }
        for (String file : files) {
            kustomization.append("  - ").append(file).append('\n');
        }
        Files.writeString(dir.resolve("kustomization.yaml"), kustomization + patches);
        return dir;
    }

    private static Path write(String name, String content) throws IOException {
        Files.createDirectories(WORK);
        Path file = WORK.resolve(name).toAbsolutePath();
        Files.writeString(file, content);
        return file;
    }

    private String podOf(String app) {
        return running(app).get(0).at("/metadata/name").asText();
    }

    private List<JsonNode> running(String app) {
        List<JsonNode> pods = new ArrayList<>();
        cluster.json("-n", NS, "get", "pods", "-l", "app=" + app).path("items").forEach(p -> {
            if (p.at("/status/phase").asText().equals("Running") && p.at("/metadata/deletionTimestamp").isMissingNode()) {
                pods.add(p);
            }
        });
        return pods;
    }

    /** The controller's pods, but those shutting down. */
    private List<JsonNode> controllerPods() {
        List<JsonNode> pods = new ArrayList<>();
        cluster.json("-n", SYSTEM, "get", "pods", "-l", "app.kubernetes.io/name=kube-exec-controller").path("items")
                .forEach(p -> {
                    if (p.at("/metadata/deletionTimestamp").isMissingNode()) {
                        pods.add(p);
                    }
                });
        return pods;
    }

    private static String readySince(JsonNode pod) {
        for (JsonNode condition : pod.at("/status/conditions")) {
            if (condition.path("type").asText().equals("Ready")) {
                return condition.path("status").asText() + " since " + condition.path("lastTransitionTime").asText();
            }
        }
        return "no Ready condition";
    }

    private String podUid(String pod) {
        Command get = cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.metadata.uid}",
                "--ignore-not-found");
        return get.stdout().trim();
    }

    /**
     * Waits until the pod is gone, or only until it is being deleted when {@code terminatingIsEnough}; if it is not,
     * fails with what was seen: the pod, its Events, the Lease and the controller's logs.
     */
    private void awaitEvicted(String pod, Duration atMost, boolean terminatingIsEnough) {
        try {
            await().atMost(atMost).until(() -> podUid(pod).isEmpty() || terminatingIsEnough && terminating(pod));
        } catch (ConditionTimeoutException e) {
            StringBuilder seen = new StringBuilder("pod " + pod + " not evicted within " + atMost + "\n");
            JsonNode stuck = cluster.json("-n", NS, "get", "pod", pod);
            seen.append("its metadata: ").append(stuck.path("metadata")).append('\n');
            seen.append("its status: ").append(stuck.path("status")).append('\n');
            seen.append("its events: ").append(cluster.kubectl("-n", NS, "get", "events", "--field-selector",
                    "involvedObject.name=" + pod, "--sort-by=.lastTimestamp").stdout()).append('\n');
            seen.append("lease: ").append(cluster.kubectl("-n", SYSTEM, "get", "lease", "-o", "wide").stdout());
            for (JsonNode controller : controllerPods()) {
                String name = controller.at("/metadata/name").asText();
                seen.append("--- ").append(name).append(", last 40 lines:\n")
                        .append(cluster.kubectl("-n", SYSTEM, "logs", "--tail=40", name).stdout());
            }
            throw new AssertionError(seen.toString(), e);
        }
    }

    private boolean terminating(String pod) {
        Command get = cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.metadata.deletionTimestamp}",
                "--ignore-not-found");
        return !get.stdout().isBlank();
    }

    private JsonNode awaitLabelled(String pod) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                cluster.json("-n", NS, "get", "pod", pod).at("/metadata/labels")
                        .has("box.com/podInitialInteractionTimestamp"));
        return cluster.json("-n", NS, "get", "pod", pod).at("/metadata/labels");
    }

    private List<String> events(String pod) {
        List<String> messages = new ArrayList<>();
        cluster.json("-n", NS, "get", "events", "--field-selector", "involvedObject.name=" + pod).path("items")
                .forEach(e -> messages.add(e.path("message").asText()));
        return messages;
    }
}
