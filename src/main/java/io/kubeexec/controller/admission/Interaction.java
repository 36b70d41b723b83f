package io.kubeexec.controller.admission;

import java.time.Instant;
import java.util.List;

/** One admitted interaction with a pod, handed from the webhook to the interact queue. */
public record Interaction(
        String namespace,
        String pod,
        String username,
        List<String> groups,
        InteractionKind kind,
        String container,
        List<String> command,
        Instant time) implements QueuedWork {

    @Override
    public WorkQueue queue() {
        return WorkQueue.interact;
    }
}
