package io.kubeexec.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeexec.e2e.Command;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.kubeexec.cluster.LocalCluster.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The install users do, on a cluster with the traps of managed ones: {@code kubectl apply -f dist/install.yaml} as
 * {@code make release} writes it (no cert-manager, no script), on an API server whose ResourceQuota admission is
 * configured as GKE's is, and that reaches pods only on 443 and 10250, as a GKE private cluster's control plane does
 * (tools/cluster.sh's CLUSTER_QUOTA_ADMISSION and CLUSTER_APISERVER_TO_PODS). First each trap is shown to bite
 * manifests that ignore it; then the release installs, admits, labels, evicts at the TTL, renews its certificate
 * under steady execs without denying one, and uninstalls with {@code kubectl delete -f}. The host network:
 * HostNetworkIT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallIT {

    private static final Map<String, String> MANAGED_CLUSTER_TRAPS = Map.of(
            "CLUSTER_QUOTA_ADMISSION", "gke",
            "CLUSTER_APISERVER_TO_PODS", "443,10250");
    private static final String SYSTEM = "kube-exec-controller";
    private static final String SECRET = "kube-exec-controller-certificate";
    private static final String NS = "drift";
    private static final int TTL_SECONDS = 20;
    private static final String WORKLOAD_IMAGE = "kec.local/busybox:1.35";
    private static final Path WORK = Path.of(System.getProperty("project.build.directory", "target"), "install-it")
            .toAbsolutePath();
    private static final String INTERACTION_WEBHOOK = "failed calling webhook \"pod-interaction.kube-exec-controller.kubeexec.io\"";

    private final Instant started = Instant.now();
    private LocalCluster cluster;
    private Path install;
    private String version;

    @BeforeAll
    void releaseAndCluster() throws IOException {
        Path image = Path.of(System.getProperty("image.tar", "target/jib-image.tar"));
        assertThat(image).as("the controller's image (make image)").exists();
        version = System.getProperty("project.version");
        assertThat(version).as("the pom's version, from failsafe").isNotBlank();

        // What `make release` writes, but for the image, which `make test` built already (as :local).
        Path dist = WORK.resolve("dist");
        ok(Command.run(List.of("tools/release.sh", "manifests", dist.toString()), Map.of(), Duration.ofMinutes(2)));
        install = dist.resolve("install.yaml");
        assertThat(Files.readString(install)).contains("image: kube-exec-controller:" + version + "\n")
                .doesNotContain("cert-manager.io");

        cluster = LocalCluster.up(System.getProperty("cluster.name", "kec-install-it"), MANAGED_CLUSTER_TRAPS);
        assertThat(cluster.importImage(image)).contains("docker.io/library/kube-exec-controller:local");
        // The same image under the name the release gives it.
        ok(cluster.inside(Duration.ofMinutes(1), "ctr", "images", "tag", "--force",
                "docker.io/library/kube-exec-controller:local", "docker.io/library/kube-exec-controller:" + version));

        ok(cluster.kubectl("create", "namespace", NS));
        deployment("web", "");
        deployment("short", "");
        deployment("steady", "annotations: {box.com/podTTL: 1h}"); // never evicted while the test runs
        for (String workload : List.of("web", "short", "steady")) {
            ok(cluster.kubectl(Duration.ofMinutes(3), "-n", NS, "rollout", "status", "deployment/" + workload,
                    "--timeout=150s"));
        }
    }

    @AfterAll
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        System.out.printf("InstallIT: %s in all, the cluster's up and down included%n",
                Duration.between(started, Instant.now()));
    }

    @Test
    @Order(1)
    void withoutTheQuotaGkesAdmissionLetsTheControllerRunNoPodSoEveryExecIsDenied() throws IOException {
        Path trap = variant("no-quota", release -> without(release, "ResourceQuota"));

        ok(cluster.kubectl("apply", "-f", trap.toString()));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(events(SYSTEM, "FailedCreate"))
                .anySatisfy(m -> assertThat(m).contains("insufficient quota to match these scopes")
                        .contains("system-cluster-critical")));
        assertThat(controllerPods()).isEmpty();
        Command exec = cluster.kubectl("exec", "-n", NS, podOf("web"), "--", "true");
        assertThat(exec.exitCode()).isNotZero();
        assertThat(exec.stderr()).contains(INTERACTION_WEBHOOK);
        ok(cluster.kubectl(Duration.ofMinutes(3), "delete", "-f", trap.toString(), "--timeout=150s"));
    }

    @Test
    @Order(2)
    void behindAGkePrivateClustersFirewallAWebhookOn8443IsOutOfTheApiServersReach() throws IOException {
        Path trap = variant("port-8443", release -> replaceOnce(replaceOnce(release,
                "- -port=10250\n", "- -port=8443\n"), "containerPort: 10250\n", "containerPort: 8443\n"));
        ok(cluster.kubectl("apply", "-f", trap.toString()));
        ok(cluster.kubectl(Duration.ofMinutes(4), "-n", SYSTEM, "rollout", "status", "deployment/" + SYSTEM,
                "--timeout=180s"));
        String ip = controllerPods().get(0).at("/status/podIP").asText();

        // The controller serves on 8443: any process but the API server reaches it...
        ok(cluster.inside(Duration.ofSeconds(30), "bash", "-c", "exec 3<>/dev/tcp/" + ip + "/8443"));
        // ... and the API server's call waits for the webhook's timeout: denied.
        Command exec = cluster.kubectl("exec", "-n", NS, podOf("web"), "--", "true");
        assertThat(exec.exitCode()).isNotZero();
        assertThat(exec.stderr()).contains(INTERACTION_WEBHOOK).containsAnyOf("context deadline exceeded", "i/o timeout");
        ok(cluster.kubectl(Duration.ofMinutes(3), "delete", "-f", trap.toString(), "--timeout=150s"));
    }

    @Test
    @Order(3)
    void kubectlApplyOfTheOneFileInstallsAControllerThatAdmitsAndRecordsARealExec() {
        String pod = podOf("web");
        Instant apply = Instant.now();
        ok(cluster.kubectl("apply", "-f", install.toString()));
        int refused = 0;
        Command exec;
        while ((exec = cluster.kubectl(Duration.ofSeconds(30), "exec", "-n", NS, pod, "--", "echo", "admitted"))
                .exitCode() != 0) {
            assertThat(Duration.between(apply, Instant.now())).as(exec.stderr()).isLessThan(Duration.ofMinutes(3));
            refused++;
            sleep(500);
        }
        Duration toFirstExec = Duration.between(apply, Instant.now());
        System.out.printf("InstallIT: kubectl apply -f install.yaml to the first admitted exec: %s (%d refused before)%n",
                toFirstExec, refused);

        assertThat(exec.stdout().trim()).isEqualTo("admitted");
        assertThat(awaitLabelled(pod).path("box.com/podInteractorUsername").asText()).isNotEmpty();
        JsonNode controller = controllerPods().get(0);
        assertThat(controller.at("/spec/priorityClassName").asText()).isEqualTo("system-cluster-critical");
        assertThat(controller.at("/spec/containers/0/image").asText()).isEqualTo("kube-exec-controller:" + version);
        assertThat(cluster.json("-n", SYSTEM, "get", "resourcequota").at("/items/0/status/used/pods").asText())
                .isEqualTo("1");
    }

    @Test
    @Order(4)
    void withAShortTtlSetAfterTheInstallATouchedPodIsEvictedAtItsTtl() {
        ok(cluster.kubectl("-n", SYSTEM, "set", "env", "deployment/" + SYSTEM, "KEC_TTL_SECONDS=" + TTL_SECONDS,
                "KEC_SCAN_INTERVAL=1s"));
        ok(cluster.kubectl(Duration.ofMinutes(4), "-n", SYSTEM, "rollout", "status", "deployment/" + SYSTEM,
                "--timeout=180s"));
        // The old replica, while it drains, still answers the API server: it would record the old TTL.
        await().atMost(Duration.ofSeconds(90))
                .until(() -> cluster.json("-n", SYSTEM, "get", "pods").path("items").size() == 1);
        String pod = podOf("short");
        String uid = podUid(pod);

        ok(cluster.kubectl("exec", "-n", NS, pod, "--", "true"));
        Instant touched = Instant.now();
        assertThat(awaitLabelled(pod).path("box.com/podTTLDuration").asText()).isEqualTo(TTL_SECONDS + "s");

        // Evicted: being deleted, or gone (a loaded kubelet was seen to keep a pod Terminating for a minute).
        await().atMost(Duration.ofSeconds(TTL_SECONDS + 90)).until(() -> !uid.equals(podUid(pod)) || terminating(pod));
        Duration evictedAfter = Duration.between(touched, Instant.now());
        System.out.printf("InstallIT: a pod with a %d s TTL was gone %s after its exec%n", TTL_SECONDS, evictedAfter);
        assertThat(evictedAfter).isGreaterThanOrEqualTo(Duration.ofSeconds(TTL_SECONDS - 2));
        assertThat(events(NS, null)).anySatisfy(m -> assertThat(m).startsWith("Pod will be evicted at time "));
    }

    @Test
    @Order(5)
    void aForcedCertificateRenewalUnderSteadyExecsDeniesNone() throws Exception {
        Map<String, String> before = secretData();
        assertThat(before).containsKeys("ca.crt", "tls.crt");
        String pod = podOf("steady");
        SteadyExecs execs = SteadyExecs.start(cluster, NS, pod);
        sleep(3_000);
        Instant asked = Instant.now();
        String request = "test-" + asked.getEpochSecond();
        ok(cluster.kubectl("-n", SYSTEM, "annotate", "--overwrite", "secret", SECRET,
                "kubeexec.io/renew-certificate=" + request));

        // Done: a new CA and serving certificate in the Secret, the caBundle holding the new CA alone, and the
        // controller serving the new certificate.
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, String> now = secretData();
            assertThat(now.get("ca.crt")).isNotEqualTo(before.get("ca.crt"));
            assertThat(now.get("tls.crt")).isNotEqualTo(before.get("tls.crt"));
            assertThat(caBundles()).containsOnly(now.get("ca.crt").trim());
            assertThat(served()).isEqualTo(firstCertificate(now.get("tls.crt")));
        });
        Duration renewal = Duration.between(asked, Instant.now());
        sleep(10_000); // execs on the new certificate
        execs.close();

        System.out.printf("InstallIT: forced renewal done in %s; execs meanwhile: %d allowed, %d denied%n", renewal,
                execs.allowed(), execs.denied().size());
        assertThat(execs.denied()).as("execs denied during the renewal").isEmpty();
        assertThat(execs.allowed()).isGreaterThan(10);
    }

    @Test
    @Order(6)
    void kubectlDeleteOfTheOneFileLeavesNoWebhookAndExecWorksAtOnce() {
        ok(cluster.kubectl(Duration.ofMinutes(4), "delete", "-f", install.toString(), "--timeout=200s"));

        Command exec = cluster.kubectl("exec", "-n", NS, podOf("steady"), "--", "echo", "after the uninstall");
        assertThat(exec.stdout()).as(exec.stderr()).contains("after the uninstall");
        assertThat(cluster.kubectl("get", "validatingwebhookconfigurations", "-o", "name").stdout())
                .doesNotContain(SYSTEM);
        assertThat(cluster.kubectl("get", "clusterroles,clusterrolebindings", "-o", "name").stdout())
                .doesNotContain(SYSTEM);
        Command namespace = cluster.kubectl("get", "namespace", SYSTEM);
        assertThat(namespace.exitCode()).isNotZero();
        assertThat(namespace.stderr()).contains("NotFound");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The release's install.yaml changed by {@code change}, in its own file. */
    private Path variant(String name, java.util.function.UnaryOperator<String> change) throws IOException {
        Path file = WORK.resolve("trap-" + name + ".yaml");
        Files.writeString(file, change.apply(Files.readString(install)));
        return file;
    }

    private static String without(String yaml, String kind) {
        List<String> kept = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\n")) {
            if (!document.contains("\nkind: " + kind + "\n")) {
                kept.add(document);
            }
        }
        assertThat(kept).hasSizeLessThan(yaml.split("(?m)^---\n").length);
        return String.join("---\n", kept);
    }

    private static String replaceOnce(String text, String from, String to) {
        assertThat(text.split(java.util.regex.Pattern.quote(from), -1)).as(from).hasSize(2);
        return text.replace(from, to);
    }

    private void deployment(String name, String metadata) throws IOException {
        Path file = WORK.resolve(name + ".yaml");
        Files.createDirectories(WORK);
        Files.writeString(file, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}%4$s}
                    spec:
                      dnsPolicy: Default
                      terminationGracePeriodSeconds: 1
                      containers:
                        - name: app
                          image: %3$s
                          imagePullPolicy: IfNotPresent
                          command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
                """.formatted(name, NS, WORKLOAD_IMAGE, metadata.isEmpty() ? "" : ", " + metadata));
        ok(cluster.kubectl("apply", "-f", file.toString()));
    }

    private Map<String, String> secretData() {
        Map<String, String> data = new java.util.TreeMap<>();
        cluster.json("-n", SYSTEM, "get", "secret", SECRET).path("data").fields().forEachRemaining(e ->
                data.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        return data;
    }

    /** The CA certificates each webhook of the configuration trusts, one PEM each, de-duplicated. */
    private List<String> caBundles() {
        List<String> pems = new ArrayList<>();
        for (JsonNode webhook : cluster.json("get", "validatingwebhookconfiguration", SYSTEM).path("webhooks")) {
            String bundle = new String(Base64.getDecoder().decode(webhook.at("/clientConfig/caBundle").asText()),
                    StandardCharsets.UTF_8);
            for (String pem : bundle.split("(?<=-----END CERTIFICATE-----)")) {
                if (!pem.isBlank() && !pems.contains(pem.trim())) {
                    pems.add(pem.trim());
                }
            }
        }
        return pems;
    }

    /** The certificate the controller's webhook port presents now (openssl inside the cluster's namespace). */
    private String served() {
        String ip = controllerPods().get(0).at("/status/podIP").asText();
        Command served = cluster.inside(Duration.ofSeconds(30), "bash", "-c",
                "openssl s_client -connect " + ip + ":10250 -servername " + SYSTEM + "." + SYSTEM + ".svc </dev/null"
                        + " 2>/dev/null | openssl x509 -outform PEM");
        return served.stdout().trim();
    }

    private static String firstCertificate(String pemChain) {
        int end = pemChain.indexOf("-----END CERTIFICATE-----");
        return end < 0 ? pemChain.trim() : pemChain.substring(0, end + "-----END CERTIFICATE-----".length()).trim();
    }

    private String podOf(String app) {
        List<String> running = new ArrayList<>();
        cluster.json("-n", NS, "get", "pods", "-l", "app=" + app).path("items").forEach(p -> {
            if (p.at("/status/phase").asText().equals("Running") && p.at("/metadata/deletionTimestamp").isMissingNode()) {
                running.add(p.at("/metadata/name").asText());
            }
        });
        assertThat(running).as("running pods of " + app).isNotEmpty();
        return running.get(0);
    }

    private String podUid(String pod) {
        return cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.metadata.uid}", "--ignore-not-found")
                .stdout().trim();
    }

    private boolean terminating(String pod) {
        return !cluster.kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath={.metadata.deletionTimestamp}",
                "--ignore-not-found").stdout().isBlank();
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

    private JsonNode awaitLabelled(String pod) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                cluster.json("-n", NS, "get", "pod", pod).at("/metadata/labels")
                        .has("box.com/podInitialInteractionTimestamp"));
        return cluster.json("-n", NS, "get", "pod", pod).at("/metadata/labels");
    }

    /** The messages of a namespace's Events, of one reason (or all: null). */
    private List<String> events(String namespace, String reason) {
        List<String> messages = new ArrayList<>();
        cluster.json("-n", namespace, "get", "events").path("items").forEach(e -> {
            if (reason == null || reason.equals(e.path("reason").asText())) {
                messages.add(e.path("message").asText());
            }
        });
        return messages;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
