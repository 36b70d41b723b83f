package io.kubeexec.pi;

import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodKeys;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One line of {@code kubectl pi get}: the pod's interaction state as its labels and annotations hold it. Values are
 * shown as written on the pod (like the original plugin); the eviction time is computed only when the controller
 * has not written it yet. The interaction history is read only for the formats that show it ({@code wide},
 * {@code json}, {@code yaml}): {@code history} is null when it was not read or the pod has no history annotation, and
 * {@code historyProblem} says why an annotation that is there could not be read.
 */
public record PodRow(
        String namespace,
        String name,
        boolean interacted,
        String interactor,
        String initialInteractionTime,
        String ttl,
        String extension,
        String extensionRequester,
        String evictionTime,
        InteractionHistory history,
        String historyProblem) {

    public static PodRow of(PodMeta pod, PodKeys keys, boolean withHistory) {
        Map<String, String> l = pod.labels();
        Map<String, String> a = pod.annotations();
        String timestamp = l.get(keys.initialInteractionTimestamp());
        boolean interacted = timestamp != null;
        String initial = "";
        String eviction = a.getOrDefault(keys.terminationTime(), "");
        if (interacted) {
            initial = timestamp;
            try {
                initial = GoTime.format(Instant.ofEpochSecond(Long.parseLong(timestamp.trim())));
            } catch (NumberFormatException e) {
                // shown as written
            }
            if (eviction.isEmpty()) {
                try {
                    Optional<InteractedPod> state = InteractedPod.read(keys, l, a);
                    eviction = state.map(s -> GoTime.format(s.evictionTime())).orElse("");
                } catch (IllegalArgumentException e) {
                    eviction = "";
                }
            }
        }
        InteractionHistory history = null;
        String problem = null;
        String recorded = withHistory ? a.get(keys.interactions()) : null;
        if (recorded != null) {
            try {
                history = InteractionHistory.parse(recorded);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        return new PodRow(pod.namespace(), pod.name(), interacted, l.getOrDefault(keys.interactorUsername(), ""),
                initial, l.getOrDefault(keys.ttlDuration(), ""), a.getOrDefault(keys.extendedDuration(), ""),
                a.getOrDefault(keys.extensionRequester(), ""), eviction, history, problem);
    }

    /**
     * The -o json/yaml form: absent values are left out, except {@code interactions}, which is always there (empty
     * when the pod has no readable history) so that scripts can iterate over it without a check.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", namespace);
        m.put("name", name);
        m.put("interacted", interacted);
        put(m, "interactor", interactor);
        put(m, "initialInteractionTime", initialInteractionTime);
        put(m, "ttl", ttl);
        put(m, "extension", extension);
        put(m, "extensionRequester", extensionRequester);
        put(m, "evictionTime", evictionTime);
        m.put("interactions", history == null ? List.of() : history.toList());
        return m;
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }
}
