package io.kubeexec.pi;

import io.kubeexec.contract.PodInteractions;
import io.kubeexec.contract.PodInteractions.Entry;
import io.kubeexec.pi.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's record of the interactions with a pod, read from its {@code podInteractions} annotation. The
 * format is the contract's ({@link PodInteractions}); this is how the plugin reads and shows it.
 */
public record InteractionHistory(List<Entry> entries) {

    /**
     * Parses the annotation's value. Throws {@link IllegalArgumentException}, saying where, for anything but the
     * recorded form: a garbled history is reported, never half-guessed.
     */
    public static InteractionHistory parse(String annotation) {
        return new InteractionHistory(PodInteractions.read(Json.parse(annotation.trim())));
    }

    /** The most recent interaction: the controller appends, so the last entry. */
    public Optional<Entry> last() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    /** The -o json/yaml form: each entry in the annotation's field order, absent strings left out. */
    public List<Map<String, Object>> toList() {
        List<Map<String, Object>> list = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            e.toJson().forEach((key, value) -> {
                if (value != null && !"".equals(value)) {
                    m.put(key, value);
                }
            });
            list.add(m);
        }
        return list;
    }
}
