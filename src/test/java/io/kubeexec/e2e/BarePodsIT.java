package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The original's own walkthrough on a real kube-apiserver: {@code kubectl run test --image=...} (a pod without an
 * owner), then {@code kubectl exec test}. By default the pod is evicted at its TTL, as the original does; with
 * {@code -evict-bare-pods=false} it is recorded and announced, and kept. Two controllers run side by side, each with
 * its own webhook for one namespace and the other's namespace on its allowlist, so each scan sees only its own pods.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BarePodsIT {

    private static final String EVICTING = "bare-evicted";
    private static final String KEEPING = "bare-kept";
    private static final int TTL_SECONDS = 3;

    private RealApiServer apiServer;
    private Path kubeconfig;
    private KubernetesClient kube;
    private ControllerProcess byDefault;
    private ControllerProcess keepingBarePods;

    @BeforeAll
    void start() throws Exception {
        apiServer = RealApiServer.start();
        kubeconfig = apiServer.kubeconfig();
        kube = apiServer.kube();
        byDefault = ControllerProcess.start("bare-default", kubeconfig, "-ttl-seconds", Integer.toString(TTL_SECONDS),
                "-scan-interval", "1s", "-shutdown-delay", "0s", "-namespace-allowlist", KEEPING);
        keepingBarePods = ControllerProcess.start("bare-kept", kubeconfig, "-ttl-seconds",
                Integer.toString(TTL_SECONDS), "-scan-interval", "1s", "-shutdown-delay", "0s",
                "-namespace-allowlist", EVICTING, "-evict-bare-pods=false");
        byDefault.awaitReady();
        keepingBarePods.awaitReady();
        for (String ns : List.of(EVICTING, KEEPING)) {
            // 1.20 does not set this label by itself; the webhooks below select on it.
            kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                    .addToLabels("kubernetes.io/metadata.name", ns).endMetadata().build()).create();
        }
        registerWebhook(byDefault, EVICTING);
        registerWebhook(keepingBarePods, KEEPING);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {byDefault, keepingBarePods, apiServer}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void byDefaultTheOriginalsWalkthroughEndsWithTheBarePodEvicted() {
        String uid = runAndExec(EVICTING);

        await().atMost(Duration.ofSeconds(TTL_SECONDS + 30)).until(() -> pod(EVICTING) == null);
        assertThat(byDefault.log()).contains("pod=" + EVICTING + "/test").contains("evicted, TTL expired");
        assertThat(messages(EVICTING, uid))
                .anySatisfy(m -> assertThat(m).startsWith("Pod was evicted because its interaction TTL expired"))
                .noneSatisfy(m -> assertThat(m).startsWith("Pod eviction was skipped"));
    }

    @Test
    void withEvictBarePodsFalseTheBarePodIsAnnouncedAndKept() {
        String uid = runAndExec(KEEPING);

        await().atMost(Duration.ofSeconds(TTL_SECONDS + 30)).untilAsserted(() -> assertThat(messages(KEEPING, uid))
                .contains("Pod eviction was skipped by policy: the pod has no owner to recreate it "
                        + "(-evict-bare-pods=false)"));
        // Several scans past its due time: still there, the same pod.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> pod(KEEPING) != null);
        assertThat(pod(KEEPING).getMetadata().getUid()).isEqualTo(uid);
        assertThat(messages(KEEPING, uid)).noneSatisfy(m -> assertThat(m).startsWith("Pod was evicted"));
    }

    /** {@code kubectl run test}, {@code kubectl exec test}, then waits for the labels; returns the pod's UID. */
    private String runAndExec(String namespace) {
        Command run = kubectl("run", "test", "-n", namespace, "--image=busybox:1.35", "--restart=Never");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(pod(namespace).getMetadata().getOwnerReferences()).isEmpty();
        // No kubelet runs here: the exec itself fails after admission, which is all the webhook needs.
        kubectl("exec", "-n", namespace, "test", "--", "touch", "new-file");
        await().atMost(Duration.ofSeconds(20)).until(() -> pod(namespace).getMetadata().getLabels()
                .containsKey("box.com/podInitialInteractionTimestamp"));
        return pod(namespace).getMetadata().getUid();
    }

    private Pod pod(String namespace) {
        return kube.pods().inNamespace(namespace).withName("test").get();
    }

    private List<String> messages(String namespace, String uid) {
        return kube.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> uid.equals(e.getInvolvedObject().getUid())).map(Event::getMessage).toList();
    }

    private Command kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return Command.run(command, Map.of(), Duration.ofSeconds(60));
    }

    private void registerWebhook(ControllerProcess controller, String namespace) {
        TestWebhooks.register(kube, "kube-exec-controller-" + namespace,
                TestWebhooks.onlyIn(namespace, TestWebhooks.interaction("https://127.0.0.1:" + controller.port())));
        // The API server picks up webhook configurations asynchronously: wait until an exec reaches the controller.
        kube.pods().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("canary").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("busybox:1.35").endContainer().endSpec()
                .build()).create();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            kubectl("exec", "-n", namespace, "canary", "--", "true");
            return controller.log().contains("pod=" + namespace + "/canary");
        });
    }
}
