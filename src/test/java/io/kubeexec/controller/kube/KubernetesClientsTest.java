package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The controller's Kubernetes client: typed calls only, so no scan of fabric8's ~900 model classes. */
class KubernetesClientsTest {

    @Test
    void theClientDoesNotScanTheClassPathForKindsYetReadsTypedResources() {
        try (KubernetesClient client = KubernetesClients.build("http://127.0.0.1:1")) {
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
