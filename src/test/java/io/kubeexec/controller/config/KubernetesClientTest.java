package io.kubeexec.controller.config;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The controller's Kubernetes client: typed calls only, so no scan of fabric8's ~900 model classes. */
class KubernetesClientTest {

    @TempDir
    Path dir;

    @Test
    void theClientDoesNotScanTheClassPathForKindsYetReadsTypedResources() throws IOException {
        String cert = Files.writeString(dir.resolve("tls.crt"), "not read here").toString();
        String key = Files.writeString(dir.resolve("tls.key"), "not read here").toString();
        Settings settings = Settings.from(CommandLine.resolve(new String[] {"-cert-path", cert, "-key-path", key,
                "-api-server", "http://127.0.0.1:1"}, Map.of(), CommandLineTest.shippedDefaults()));

        try (KubernetesClient client = ControllerConfiguration.kubernetesClient(settings)) {
            KubernetesSerialization serialization = client.getKubernetesSerialization();

            // fabric8's default serialization would have found this kind by scanning the class path.
            assertThat(serialization.getRegisteredKubernetesResource("gateway.networking.k8s.io/v1", "Gateway"))
                    .isNull();
            assertThat(new KubernetesSerialization().getRegisteredKubernetesResource("gateway.networking.k8s.io/v1",
                    "Gateway")).isNotNull();
            Pod pod = serialization.unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\","
                    + "\"labels\":{\"app\":\"web\"}}}", Pod.class);
            assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
            assertThat(client.getMasterUrl()).hasToString("http://127.0.0.1:1/");
        }
    }
}
