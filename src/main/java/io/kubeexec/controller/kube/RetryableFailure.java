package io.kubeexec.controller.kube;

/**
 * A Kubernetes call that may succeed later (timeouts, 5xx, 429, conflicts): the ledger tries the work again after a
 * backoff (pending/LedgerPolicy). It carries the API's words in its message but not the client exception as its
 * cause, because Camel matches onException clauses on causes too, and the client exception's own clause is for
 * failures that cannot succeed.
 */
public class RetryableFailure extends RuntimeException {
    public RetryableFailure(String message) {
        super(message, null, false, false);
    }
}
