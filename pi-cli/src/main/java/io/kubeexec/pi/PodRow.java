package io.kubeexec.pi;

import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.pi.kube.PodApi.PodMeta;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line of {@code kubectl pi get}: the pod's interaction state as its labels and annotations hold it. Values are
 * shown as written on the pod (like the original plugin); the eviction time is computed only when the controller
 * has not written it yet.
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
        String evictionTime) {

    public static PodRow of(PodMeta pod, PodKeys keys) {
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
        return new PodRow(pod.namespace(), pod.name(), interacted, l.getOrDefault(keys.interactorUsername(), ""),
                initial, l.getOrDefault(keys.ttlDuration(), ""), a.getOrDefault(keys.extendedDuration(), ""),
                a.getOrDefault(keys.extensionRequester(), ""), eviction);
    }

    /** The -o json/yaml form: absent values are left out. */
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
        return m;
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }
}
