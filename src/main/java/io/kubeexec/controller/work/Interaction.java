package io.kubeexec.controller.work;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One admitted interaction with a pod, handed from the webhook to the interact queue. {@code coalesced}: later
 * interactions with the same pod that arrived while this one waited, recorded with it in one patch (this one
 * decides the labels); empty as the webhook hands it over.
 */
public record Interaction(
        String namespace,
        String pod,
        String username,
        List<String> groups,
        InteractionKind kind,
        String container,
        List<String> command,
        Instant time,
        List<Interaction> coalesced) implements QueuedWork {

    public Interaction {
        coalesced = List.copyOf(coalesced);
    }

    public Interaction(String namespace, String pod, String username, List<String> groups, InteractionKind kind,
            String container, List<String> command, Instant time) {
        this(namespace, pod, username, groups, kind, container, command, time, List.of());
    }

    @Override
    public WorkQueue queue() {
        return WorkQueue.interact;
    }

    /** This interaction with {@code later} to be recorded in the same patch. */
    public Interaction with(List<Interaction> later) {
        return new Interaction(namespace, pod, username, groups, kind, container, command, time, later);
    }

    /** This one and the coalesced ones, in the order they were admitted. */
    public List<Interaction> all() {
        List<Interaction> all = new ArrayList<>(1 + coalesced.size());
        all.add(with(List.of()));
        all.addAll(coalesced);
        return all;
    }
}
