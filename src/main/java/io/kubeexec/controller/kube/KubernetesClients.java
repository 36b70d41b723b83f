package io.kubeexec.controller.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The controller's Kubernetes client: how it is built and started, and how it asks whether the API server answers. */
public final class KubernetesClients {

    private KubernetesClients() {
    }

    /**
     * The client for {@code apiServer} (empty: the kubeconfig's or in-cluster address), built on a thread of its own;
     * its first call waits for the build.
     */
    public static KubernetesClient start(String apiServer) {
        return BackgroundClient.build(() -> build(apiServer));
    }

    public static KubernetesClient build(String apiServer) {
        ConfigBuilder config = new ConfigBuilder(Config.autoConfigure(null))
                // Retries are the routes' business: fabric8's own would hold a 429 for ~20 s.
                .withRequestRetryBackoffLimit(0);
        if (!apiServer.isEmpty()) {
            config.withMasterUrl(apiServer);
        }
        // Without a class-path scan: by default fabric8 loads every model class it ships (~900) to map a kind to its
        // class. Every call here is typed (pods, events, evictions, leases), so the mapping is never asked. Reading a
        // kubeconfig still scans, in fabric8's static serialization: the AppCDS training run reads one for that.
        return new KubernetesClientBuilder().withConfig(config.build())
                .withKubernetesSerialization(new KubernetesSerialization(new ObjectMapper(), false)).build();
    }

    /**
     * Reads a pod, as the interact worker's first call does: an answer, even 403 or 404, means the API server can be
     * reached; no answer (the client reports no status code), 5xx or 429 means it cannot (yet).
     */
    public static void probe(KubernetesClient client, String namespace, String pod) {
        try {
            client.pods().inNamespace(namespace).withName(pod).get();
        } catch (KubernetesClientException e) {
            boolean answered = e.getCode() >= 200 && e.getCode() < 500 && e.getCode() != 429;
            if (!answered) {
                throw e;
            }
        }
    }
}
