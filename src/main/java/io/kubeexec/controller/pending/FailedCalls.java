package io.kubeexec.controller.pending;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Tells the ledger that a call to the API server failed in a way that may succeed later, at the moment it fails
 * (the retry route configuration's {@code onExceptionOccurredRef}), not when the retry runs up to a minute later.
 */
public final class FailedCalls implements Processor {

    private final PendingWork pending;

    public FailedCalls(PendingWork pending) {
        this.pending = pending;
    }

    @Override
    public void process(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        }
        pending.apiFailed(failure == null ? "" : failure.getMessage());
    }
}
