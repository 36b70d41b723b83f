package io.kubeexec.controller.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/** Pods on the mock API server, for the route tests: owned by a ReplicaSet, so they can be evicted. */
public final class TestPods {

    private TestPods() {
    }

    public static Pod create(KubernetesClient kube, String namespace, String name) {
        return kube.pods().inNamespace(namespace).resource(owned(namespace, name).build()).create();
    }

    /** A pod that already carries the interaction labels, its TTL long run out. */
    public static Pod createExpired(KubernetesClient kube, String namespace, String name, String interactor) {
        return kube.pods().inNamespace(namespace).resource(owned(namespace, name).editMetadata()
                .addToLabels("box.com/podInitialInteractionTimestamp",
                        Long.toString(Instant.now().minusSeconds(120).getEpochSecond()))
                .addToLabels("box.com/podInteractorUsername", interactor)
                .addToLabels("box.com/podTTLDuration", "1m0s")
                .endMetadata().build()).create();
    }

    /** The mock cannot evict: the pod's eviction endpoint answers 201 and records each request body. */
    public static List<String> expectEviction(KubernetesMockServer apiServer, String namespace, String name) {
        List<String> bodies = new CopyOnWriteArrayList<>();
        apiServer.expect().post().withPath("/api/v1/namespaces/" + namespace + "/pods/" + name + "/eviction")
                .andReply(201, request -> {
                    bodies.add(request.getUtf8Body());
                    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}";
                }).always();
        return bodies;
    }

    public static Map<String, String> awaitLabels(KubernetesClient kube, String namespace, String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Pod pod = kube.pods().inNamespace(namespace).withName(name).get();
            return pod.getMetadata().getLabels() != null
                    && pod.getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp");
        });
        return kube.pods().inNamespace(namespace).withName(name).get().getMetadata().getLabels();
    }

    private static PodBuilder owned(String namespace, String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).addToLabels("app", "web")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-rs")
                .withUid("rs-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec();
    }
}
