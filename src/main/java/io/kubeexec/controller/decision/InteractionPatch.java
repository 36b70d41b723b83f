package io.kubeexec.controller.decision;

import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.PodKeys;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one interaction writes on a pod. The first sets the three labels and the termination annotation; every one,
 * the first included, replaces the history annotation with the history it has appended to. Nothing else: a merge
 * patch of only these keys never undoes anyone else's change, and the {@code resourceVersion} it carries makes a
 * racing replica's write fail with a 409 instead of labelling the pod twice.
 */
public record InteractionPatch(Map<String, String> labels, Map<String, String> annotations,
        Optional<Instant> evictionTime) {

    /**
     * The first interaction, at {@code time} (whole seconds, as the timestamp label holds), by {@code username}, with
     * the TTL {@link TtlPolicy} chose; {@code history}: the history annotation's new value.
     */
    public static InteractionPatch first(PodKeys keys, Instant time, String username, Duration ttl, String history) {
        Instant initial = time.truncatedTo(ChronoUnit.SECONDS);
        Instant evictionTime = initial.plus(ttl);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(keys.initialInteractionTimestamp(), Long.toString(initial.getEpochSecond()));
        labels.put(keys.interactorUsername(), UsernameLabel.of(username));
        labels.put(keys.ttlDuration(), GoDuration.format(ttl));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(keys.interactions(), history);
        annotations.put(keys.terminationTime(), GoTime.format(evictionTime));
        return new InteractionPatch(Map.copyOf(labels), Map.copyOf(annotations), Optional.of(evictionTime));
    }

    /** A later interaction: only the history changes; the labels and the eviction time stay as the first set them. */
    public static InteractionPatch later(PodKeys keys, String history) {
        return new InteractionPatch(Map.of(), Map.of(keys.interactions(), history), Optional.empty());
    }

    /** The JSON merge patch, as plain maps, guarded by the {@code resourceVersion} the decision was made on. */
    public Map<String, Object> mergePatch(String resourceVersion) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resourceVersion", resourceVersion);
        if (!labels.isEmpty()) {
            metadata.put("labels", labels);
        }
        metadata.put("annotations", annotations);
        return Map.of("metadata", metadata);
    }
}
