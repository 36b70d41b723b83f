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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kubeexec.cluster.LocalCluster.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A control plane that reaches no pod IP, as EKS's with a custom CNI (tools/cluster.sh's CLUSTER_APISERVER_TO_PODS=none):
 * the release's install.yaml runs, but the API server cannot call it, so every exec is denied; with the
 * {@code host-network} component the webhook answers from the node's address and a real exec is admitted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostNetworkIT {

    private static final String SYSTEM = "kube-exec-controller";
    private static final String NS = "drift";
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path WORK = Path.of(System.getProperty("project.build.directory", "target"), "host-network-it")
            .toAbsolutePath();

    private LocalCluster cluster;
    private Path install;

    @BeforeAll
    void releaseAndCluster() throws IOException {
        Path image = Path.of(System.getProperty("image.tar", "target/jib-image.tar"));
        assertThat(image).as("the controller's image (make image)").exists();
        String version = System.getProperty("project.version");
        assertThat(version).as("the pom's version, from failsafe").isNotBlank();
        Path dist = WORK.resolve("dist");
        ok(Command.run(List.of("tools/release.sh", "manifests", dist.toString()), Map.of(), Duration.ofMinutes(2)));
        install = dist.resolve("install.yaml");

        cluster = LocalCluster.up(System.getProperty("cluster.name", "kec-hostnet-it"),
                Map.of("CLUSTER_APISERVER_TO_PODS", "none"));
        assertThat(cluster.importImage(image)).contains("docker.io/library/kube-exec-controller:local");
        ok(cluster.inside(Duration.ofMinutes(1), "ctr", "images", "tag", "--force",
                "docker.io/library/kube-exec-controller:local", "docker.io/library/kube-exec-controller:" + version));
        ok(cluster.kubectl("create", "namespace", NS));
        ok(cluster.kubectl("-n", NS, "run", "web", "--image=kec.local/busybox:1.35", "--image-pull-policy=IfNotPresent",
                "--overrides={\"spec\":{\"dnsPolicy\":\"Default\",\"terminationGracePeriodSeconds\":1}}",
                "--", "sleep", "3600"));
        ok(cluster.kubectl(Duration.ofMinutes(3), "-n", NS, "wait", "--for=condition=Ready", "pod/web",
                "--timeout=150s"));
    }

    @AfterAll
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void onThePodNetworkTheControllerRunsButTheApiServerCannotCallItSoEveryExecIsDenied() {
        ok(cluster.kubectl("apply", "-f", install.toString()));
        ok(cluster.kubectl(Duration.ofMinutes(4), "-n", SYSTEM, "rollout", "status", "deployment/" + SYSTEM,
                "--timeout=180s"));

        Command exec = cluster.kubectl("exec", "-n", NS, "web", "--", "true");
        assertThat(exec.exitCode()).isNotZero();
        assertThat(exec.stderr()).contains("failed calling webhook \"pod-interaction.kube-exec-controller.kubeexec.io\"")
                .containsAnyOf("context deadline exceeded", "i/o timeout");
    }

    @Test
    @Order(2)
    void withTheHostNetworkComponentTheWebhookAnswersFromTheNodesAddressAndARealExecIsAdmitted() throws IOException {
        Path dir = WORK.resolve("host-network");
        Files.createDirectories(dir);
        Files.copy(install, dir.resolve("install.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [install.yaml]
                components: [%s]
                """.formatted(dir.relativize(REPO.resolve("kustomize/components/host-network"))));

        ok(cluster.kubectl("apply", "-k", dir.toString()));
        ok(cluster.kubectl(Duration.ofMinutes(4), "-n", SYSTEM, "rollout", "status", "deployment/" + SYSTEM,
                "--timeout=180s"));
        await().atMost(Duration.ofSeconds(90))
                .until(() -> cluster.json("-n", SYSTEM, "get", "pods").path("items").size() == 1);

        JsonNode controller = cluster.json("-n", SYSTEM, "get", "pods").at("/items/0");
        assertThat(controller.at("/spec/hostNetwork").asBoolean()).isTrue();
        assertThat(controller.at("/status/podIP").asText()).isEqualTo(controller.at("/status/hostIP").asText());
        assertThat(cluster.json("-n", SYSTEM, "get", "endpoints", SYSTEM).at("/subsets/0/ports/0/port").asInt())
                .isEqualTo(10260);
        Command exec = cluster.kubectl("exec", "-n", NS, "web", "--", "echo", "through the node");
        assertThat(exec.stdout()).as(exec.stderr()).contains("through the node");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                cluster.json("-n", NS, "get", "pod", "web").at("/metadata/labels")
                        .has("box.com/podInitialInteractionTimestamp"));

        ok(cluster.kubectl(Duration.ofMinutes(4), "delete", "-k", dir.toString(), "--timeout=200s"));
        assertThat(cluster.kubectl("get", "validatingwebhookconfigurations", "-o", "name").stdout()).doesNotContain(SYSTEM);
    }
}
