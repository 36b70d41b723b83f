package io.kubeexec.deploy;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base (and the demo overlay, and make release's install.yaml) are accepted by a real kube-apiserver 1.20, the
 * oldest version the base supports: {@code kubectl apply --dry-run=server} runs admission and validation against
 * 1.20's schema, so a field
 * added after 1.20 fails here and has to live in an overlay or component. Needs KUBE_API_TEST_DIR (see
 * tools/kube-api-test-dir.sh); `make test` sets it.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class ServerDryRunIT {

    @KubeConfig
    static String kubeConfigYaml;

    private static Path kubeconfig;

    @BeforeAll
    static void createTheNamespace() throws IOException {
        kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
        Files.writeString(kubeconfig, kubeConfigYaml);
        // A dry run creates nothing, so the namespaced objects need their namespace to exist for real.
        String namespace = documents(Kustomize.render("base")).stream()
                .filter(d -> d.startsWith("apiVersion: v1\nkind: Namespace\n")).findFirst().orElseThrow();
        Kustomize.Result created = kubectl(namespace, "apply", "-f", "-");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
    }

    @AfterAll
    static void removeTheKubeconfig() throws IOException {
        Files.deleteIfExists(kubeconfig);
    }

    @Test
    void theBaseIsAcceptedByKubernetes120() throws IOException {
        assertAccepted("base");
    }

    @Test
    void theDemoOverlayIsAcceptedByKubernetes120() throws IOException {
        assertAccepted("overlays/demo");
    }

    /** make release's install.yaml: the base rendered by tools/release.sh, the one file users apply. */
    @Test
    void theReleasesInstallYamlIsAcceptedByKubernetes120() throws IOException {
        Path dist = Files.createTempDirectory("dist");
        Kustomize.Result release = Kustomize.run(List.of(Kustomize.repoRoot().resolve("tools/release.sh").toString(),
                "manifests", dist.toString()), Kustomize.repoRoot());
        assertThat(release.exitCode()).as(release.stderr()).isZero();
        String install = Files.readString(dist.resolve("install.yaml"));
        Kustomize.Result result = kubectl(install, "apply", "--dry-run=server", "-f", "-");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().lines().filter(l -> l.endsWith("(server dry run)")))
                .hasSize(documents(install).size() - 1); // the header comment is a document of its own
        Kustomize.deleteRecursively(dist);
    }

    @Test
    void aDryRunLeavesNothingBehind() throws IOException {
        assertAccepted("base");
        Kustomize.Result webhooks = kubectl(null, "get", "validatingwebhookconfigurations", "-o", "name");
        assertThat(webhooks.exitCode()).as(webhooks.stderr()).isZero();
        assertThat(webhooks.stdout()).doesNotContain("kube-exec-controller");
    }

    /**
     * Proof that this test can fail: production's policy/v1 PodDisruptionBudget needs 1.21. Its
     * unhealthyPodEvictionPolicy needs 1.26, which no API server here can check: only the strict model
     * (RenderingTest) and ManagedClusterTest see that field.
     */
    @Test
    void kubernetes120RefusesProductionsDisruptionBudget() throws IOException {
        String budget = documents(Kustomize.render("overlays/production")).stream()
                .filter(d -> d.contains("\nkind: PodDisruptionBudget\n")).findFirst().orElseThrow();
        Kustomize.Result result = kubectl(budget, "apply", "--dry-run=server", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("PodDisruptionBudget").contains("policy/v1");
    }

    /** Proof that this test can fail: a webhook field added after 1.20 (matchConditions, 1.27+) is refused. */
    @Test
    void kubernetes120RefusesAWebhookFieldItDoesNotKnow() throws IOException {
        String webhooks = documents(Kustomize.render("base")).stream()
                .filter(d -> d.contains("\nkind: ValidatingWebhookConfiguration\n")).findFirst().orElseThrow();
        String newer = webhooks.replaceFirst("\n  timeoutSeconds: 5\n",
                "\n  timeoutSeconds: 5\n  matchConditions:\n  - name: not-a-node\n"
                        + "    expression: \"!request.userInfo.username.startsWith('system:node:')\"\n");
        assertThat(newer).contains("matchConditions");
        Kustomize.Result result = kubectl(newer, "apply", "--dry-run=server", "-f", "-");
        assertThat(result.exitCode()).as(result.stdout()).isNotZero();
        assertThat(result.stderr()).contains("matchConditions");
    }

    private static void assertAccepted(String target) throws IOException {
        String yaml = Kustomize.render(target);
        Kustomize.Result result = kubectl(yaml, "apply", "--dry-run=server", "-f", "-");
        assertThat(result.exitCode()).as(target + ":\n" + result.stderr()).isZero();
        List<String> applied = result.stdout().lines().filter(l -> l.endsWith("(server dry run)")).toList();
        assertThat(applied).as(result.stdout()).hasSize(documents(yaml).size());
    }

    private static Kustomize.Result kubectl(String stdin, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Kustomize.kubectl(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        if (stdin == null) {
            return Kustomize.run(command, null);
        }
        Path input = Files.createTempFile("manifests", ".yaml");
        Files.writeString(input, stdin);
        command.replaceAll(a -> a.equals("-") ? input.toString() : a);
        try {
            return Kustomize.run(command, null);
        } finally {
            Files.delete(input);
        }
    }

    private static List<String> documents(String yaml) {
        return List.of(yaml.split("(?m)^---\n")).stream().filter(d -> !d.isBlank()).toList();
    }
}
