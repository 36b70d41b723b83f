package io.kubeexec.controller.work;

/**
 * What a peer needs to take over a piece of accepted work: the webhook path it came in on and the review, reduced
 * to what the decisions read ({@code AdmissionRequest.replayable()}), which the peer decides the same way. Bytes,
 * not the parsed request: a parsed tree costs several times its text in the ledger.
 */
public record Replay(String path, String uid, byte[] review) {

    /** Set by a replica that hands its unrecorded work over to a peer at shutdown (its instance name). */
    public static final String HANDOVER_HEADER = "Kube-Exec-Controller-Handover";
}
