package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.Pod;

/** Which pod: name, namespace and the UID that tells it apart from a recreated pod of the same name. */
public record PodRef(String namespace, String name, String uid) {

    public static PodRef of(Pod pod) {
        return new PodRef(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid());
    }
}
