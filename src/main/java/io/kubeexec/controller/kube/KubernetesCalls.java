package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Sorts API failures: 404 (gone) and 422 (invalid) cannot succeed on retry; the rest might. */
final class KubernetesCalls {

    private KubernetesCalls() {
    }

    static boolean canSucceedLater(KubernetesClientException e) {
        int code = e.getCode();
        return code != 404 && code != 422 && code != 400 && code != 403;
    }

    static RetryableFailure retryable(String what, KubernetesClientException e) {
        return new RetryableFailure(what + " failed (HTTP " + e.getCode() + "): " + e.getMessage());
    }
}
