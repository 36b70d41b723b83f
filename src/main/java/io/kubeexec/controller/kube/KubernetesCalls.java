package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeexec.controller.decision.ApiFailures;

/** Sorts API failures by {@link ApiFailures}: the ones that may succeed later become a {@link RetryableFailure}. */
final class KubernetesCalls {

    private KubernetesCalls() {
    }

    static boolean canSucceedLater(KubernetesClientException e) {
        return ApiFailures.canSucceedLater(e.getCode());
    }

    static RetryableFailure retryable(String what, KubernetesClientException e) {
        return new RetryableFailure(what + " failed (HTTP " + e.getCode() + "): " + e.getMessage() + noAnswer(e));
    }

    /** Without a status code, the client's message says only that the call failed; its cause says why. */
    private static String noAnswer(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return "";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? "" : " (" + root + ")";
    }
}
