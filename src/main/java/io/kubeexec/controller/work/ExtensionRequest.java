package io.kubeexec.controller.work;

import java.time.Duration;
import java.time.Instant;

/** A validated {@code podExtendedDuration} change, handed from the webhook to the extend queue. */
public record ExtensionRequest(
        String namespace,
        String pod,
        String podUid,
        String extensionText,
        Duration extension,
        String username,
        Instant time) implements QueuedWork {

    @Override
    public WorkQueue queue() {
        return WorkQueue.extend;
    }
}
