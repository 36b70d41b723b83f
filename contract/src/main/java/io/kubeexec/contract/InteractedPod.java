package io.kubeexec.contract;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The interaction state read back from a pod's labels and annotations: what the eviction scan decides on and what
 * {@code kubectl pi} shows. Unparseable values are reported, never guessed.
 */
public record InteractedPod(
        Instant initialInteraction,
        String interactor,
        Duration ttl,
        Optional<Duration> extension,
        Optional<String> extensionRequester,
        Optional<String> terminationTime) {

    /** Empty when the pod carries no interaction timestamp label. */
    public static Optional<InteractedPod> read(PodKeys keys, Map<String, String> labels,
            Map<String, String> annotations) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        Map<String, String> a = annotations == null ? Map.of() : annotations;
        String timestamp = l.get(keys.initialInteractionTimestamp());
        if (timestamp == null) {
            return Optional.empty();
        }
        Instant initial;
        try {
            initial = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
        } catch (NumberFormatException | DateTimeException e) {
            throw new IllegalArgumentException(
                    "label " + keys.initialInteractionTimestamp() + " is not Unix seconds: \"" + timestamp + "\"");
        }
        String ttlText = l.get(keys.ttlDuration());
        if (ttlText == null) {
            throw new IllegalArgumentException("label " + keys.ttlDuration() + " is missing");
        }
        Duration ttl = labelledDuration(keys.ttlDuration(), ttlText);
        Optional<Duration> extension = Optional.ofNullable(a.get(keys.extendedDuration()))
                .map(text -> labelledDuration(keys.extendedDuration(), text));
        return Optional.of(new InteractedPod(initial, l.getOrDefault(keys.interactorUsername(), ""), ttl,
                extension, Optional.ofNullable(a.get(keys.extensionRequester())),
                Optional.ofNullable(a.get(keys.terminationTime()))));
    }

    /** The same state with another extension: one just requested, or one bounded by the eviction scan. */
    public InteractedPod withExtension(Optional<Duration> other) {
        return new InteractedPod(initialInteraction, interactor, ttl, other, extensionRequester, terminationTime);
    }

    /** Interaction + TTL + extension: the extension is one offset, not cumulative, as in the original. */
    public Instant evictionTime() {
        return initialInteraction.plus(ttl).plus(extension.orElse(Duration.ZERO));
    }

    private static Duration labelledDuration(String key, String text) {
        try {
            return GoDuration.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }
}
