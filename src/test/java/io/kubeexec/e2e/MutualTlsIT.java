package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.tls.Openssl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Mutual TLS with the real kube-apiserver v1.20.2, set up as docs/security.md tells an operator to: the API server
 * gets an AdmissionConfiguration whose WebhookAdmissionConfiguration points at a kubeconfig with a client
 * certificate for the webhook's host ({@code 127.0.0.1:PORT}), and the controller runs with -client-ca-path set to
 * the CA that signed it. A real {@code kubectl exec} is still recorded; a forged POST without that certificate
 * fails its handshake and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsIT {

    private static final String NS = "mtls";

    private Path dir;
    private RealApiServer apiServer;
    private KubernetesClient kube;
    private ControllerProcess controller;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("mtls-e2e");
        Openssl openssl = new Openssl(dir);
        openssl.certificateAuthority("webhook-client-ca", "client-ca.crt", "client-ca.key");
        openssl.clientCertificate("client-ca.crt", "client-ca.key", "kube-apiserver-admission", "apiserver.crt",
                "apiserver.key");
        // The webhook's host:port must be known before the API server reads its admission configuration.
        int port = TestController.freePort();
        Path kubeconfig = Files.writeString(dir.resolve("webhook-kubeconfig.yaml"), """
                apiVersion: v1
                kind: Config
                users:
                  # The API server picks the user whose name is the webhook URL's host:port.
                  - name: "127.0.0.1:%d"
                    user:
                      client-certificate: %s
                      client-key: %s
                """.formatted(port, dir.resolve("apiserver.crt"), dir.resolve("apiserver.key")));
        Path admission = Files.writeString(dir.resolve("admission.yaml"), """
                apiVersion: apiserver.config.k8s.io/v1
                kind: AdmissionConfiguration
                plugins:
                  - name: ValidatingAdmissionWebhook
                    configuration:
                      apiVersion: apiserver.config.k8s.io/v1
                      kind: WebhookAdmissionConfiguration
                      kubeConfigFile: %s
                """.formatted(kubeconfig));
        apiServer = RealApiServer.start(Map.of("--admission-control-config-file", admission.toString()));
        kube = apiServer.kube();
        controller = ControllerProcess.start("mtls-controller", port, apiServer.kubeconfig(),
                "-client-ca-path", dir.resolve("client-ca.crt").toString(), "-ttl-seconds", "600",
                "-shutdown-delay", "0s").awaitReady();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        registerWebhook(port);
    }

    @AfterAll
    void stop() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (apiServer != null) {
            apiServer.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void aRealKubectlExecIsRecordedThroughTheClientCertificate() {
        createPod("real-exec");

        Command exec = kubectl("exec", "-n", NS, "real-exec", "--", "ls");

        // No kubelet: the exec fails, but only after the API server was admitted by the webhook.
        assertThat(exec.stderr()).contains("does not have a host assigned");
        assertThat(awaitLabelled("real-exec").getMetadata().getLabels())
                .containsKey("box.com/podInteractorUsername");
    }

    @Test
    void aForgedPostWithoutTheCertificateFailsItsHandshakeAndChangesNothing() {
        Pod target = createPod("forged");
        createPod("forged-control");

        assertThatThrownBy(() -> controller.post("/admit-pod-interaction?timeout=10s",
                Reviews.exec(NS, "forged", "mallory"))).isInstanceOf(IOException.class);
        kubectl("exec", "-n", NS, "forged-control", "--", "ls");

        awaitLabelled("forged-control");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                kube.pods().inNamespace(NS).withName("forged").get().getMetadata().getResourceVersion())
                .isEqualTo(target.getMetadata().getResourceVersion()));
        assertThat(controller.log()).doesNotContain("pod=" + NS + "/forged user=mallory");
    }

    private Pod createPod(String name) {
        return kube.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", "mtls")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("mtls-rs")
                .withUid("4b7e4a4e-0000-4000-8000-000000000002").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec()
                .build()).create();
    }

    private Pod awaitLabelled(String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Pod pod = kube.pods().inNamespace(NS).withName(name).get();
            return pod != null && pod.getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp");
        });
        return kube.pods().inNamespace(NS).withName(name).get();
    }

    private Command kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", apiServer.kubeconfig().toString()));
        command.addAll(List.of(args));
        return Command.run(command, Map.of(), Duration.ofSeconds(60));
    }

    private void registerWebhook(int port) {
        TestWebhooks.register(kube, "kube-exec-controller-mtls", TestWebhooks.interaction("https://127.0.0.1:" + port));
        // The API server picks up webhook configurations asynchronously: wait until an exec is recorded.
        createPod("canary");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            kubectl("exec", "-n", NS, "canary", "--", "true");
            Pod pod = kube.pods().inNamespace(NS).withName("canary").get();
            return pod.getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp");
        });
    }
}
