package io.kubeexec.controller.kube;

/** A Kubernetes call that may succeed later (timeouts, 5xx, 429, conflicts): the route redelivers with backoff. */
public class RetryableFailure extends RuntimeException {
    public RetryableFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
