package io.kubeexec.pi;

import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodInteractions;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.pi.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code kubectl pi get}: the pod's interaction state as its labels and annotations hold it. Values are
 * shown as written on the pod (like the original plugin); the eviction time is computed only when the controller
 * has not written it yet. The interaction history is read only for the formats that show it ({@code wide},
 * {@code json}, {@code yaml}), as the contract's entries, oldest first: {@code history} is null when it was not
 * read or the pod has no history annotation, and {@code historyProblem} says why an annotation that is there could
 * not be read.
 */
public record PodRow(String namespace, String name, boolean interacted, String interactor,
        String initialInteractionTime, String ttl, String extension, String extensionRequester, String evictionTime,
        List<PodInteractions.Entry> history, String historyProblem) {

    public static PodRow of(PodMeta pod, PodKeys keys, boolean withHistory) {
        Map<String, String> l = pod.labels();
        Map<String, String> a = pod.annotations();
        String timestamp = l.get(keys.initialInteractionTimestamp());
        String initial = timestamp == null ? "" : timestamp;
        String eviction = a.getOrDefault(keys.terminationTime(), "");
        try {
            initial = GoTime.format(Instant.ofEpochSecond(Long.parseLong(initial.trim())));
        } catch (NumberFormatException e) {
            // shown as written
        }
        if (timestamp != null && eviction.isEmpty()) {
            try {
                eviction = InteractedPod.read(keys, l, a).map(s -> GoTime.format(s.evictionTime())).orElse("");
            } catch (IllegalArgumentException e) {
                // an unreadable TTL or timestamp: no eviction time to show
            }
        }
        List<PodInteractions.Entry> history = null;
        String problem = null;
        String recorded = withHistory ? a.get(keys.interactions()) : null;
        if (recorded != null) {
            try {
                history = history(recorded);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        return new PodRow(pod.namespace(), pod.name(), timestamp != null, l.getOrDefault(keys.interactorUsername(), ""),
                initial, l.getOrDefault(keys.ttlDuration(), ""), a.getOrDefault(keys.extendedDuration(), ""),
                a.getOrDefault(keys.extensionRequester(), ""), eviction, history, problem);
    }

    /**
     * Reads the controller's {@code podInteractions} annotation. Throws {@link IllegalArgumentException}, saying
     * where, for anything but the recorded form: a garbled history is reported, never half-guessed.
     */
    static List<PodInteractions.Entry> history(String annotation) {
        return PodInteractions.read(Json.parse(annotation.trim()));
    }

    /**
     * The -o json/yaml form: absent values (in the interactions too) are left out, except {@code interactions}, which
     * is always there (empty when the pod has no readable history) so that scripts can iterate over it without a
     * check.
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
        m.put("interactions", history == null ? List.of() : history.stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>(); // in the annotation's field order
            e.toJson().forEach((key, value) -> put(entry, key, value));
            return entry;
        }).toList());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null && !"".equals(value)) {
            m.put(key, value);
        }
    }
}
