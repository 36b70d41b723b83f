package io.kubeexec.controller.pending;

import io.kubeexec.controller.admission.AdmissionRequest;

/**
 * What a peer needs to take over a piece of accepted work: the webhook path it came in on and the request, which
 * becomes an AdmissionReview the peer decides the same way (without the parts no decision reads) only if it is
 * handed over.
 */
public record Replay(String path, AdmissionRequest request) {

    public String uid() {
        return request.uid();
    }

    public byte[] review() {
        return request.replayable();
    }
}
