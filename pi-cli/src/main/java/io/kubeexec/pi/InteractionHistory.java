package io.kubeexec.pi;

import io.kubeexec.contract.GoTime;
import io.kubeexec.pi.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's record of every interaction with a pod, read from the {@code podInteractions} annotation: a JSON
 * array, oldest first, of {@code {user, groups, kind, container, command, time}} (SPEC section 7). Only the plugin
 * reads it as a list of entries (the controller appends to it without looking inside), so the parsing lives here.
 */
public record InteractionHistory(List<Entry> entries) {

    /** One interaction, as recorded; a field the controller did not write is null (or an empty list). */
    public record Entry(String user, List<String> groups, String kind, String container, List<String> command,
            String time) {

        /** The recorded time, when it is in the Go form the controller writes. */
        public Optional<Instant> instant() {
            try {
                return Optional.of(GoTime.parse(time));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** The -o json/yaml form, in the annotation's field order; absent strings are left out. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "user", user);
            m.put("groups", groups);
            put(m, "kind", kind);
            put(m, "container", container);
            m.put("command", command);
            put(m, "time", time);
            return m;
        }

        private static void put(Map<String, Object> m, String key, String value) {
            if (value != null && !value.isEmpty()) {
                m.put(key, value);
            }
        }
    }

    /**
     * Parses the annotation's value. Throws {@link IllegalArgumentException}, saying where, for anything but a JSON
     * array of objects whose fields have the recorded types: a garbled history is reported, never half-guessed.
     */
    public static InteractionHistory parse(String annotation) {
        Object value = Json.parse(annotation.trim());
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("not a JSON array");
        }
        List<Entry> entries = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("entry " + (i + 1) + " is not a JSON object");
            }
            String at = "entry " + (i + 1) + ": ";
            entries.add(new Entry(string(map, "user", at), strings(map, "groups", at), string(map, "kind", at),
                    string(map, "container", at), strings(map, "command", at), string(map, "time", at)));
        }
        return new InteractionHistory(List.copyOf(entries));
    }

    /** The most recent interaction: the controller appends, so the last entry. */
    public Optional<Entry> last() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    public List<Map<String, Object>> toList() {
        List<Map<String, Object>> list = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            list.add(e.toMap());
        }
        return list;
    }

    private static String string(Map<?, ?> map, String key, String at) {
        Object v = map.get(key);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException(at + "\"" + key + "\" is not a string");
        }
        return (String) v;
    }

    private static List<String> strings(Map<?, ?> map, String key, String at) {
        Object v = map.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list && list.stream().allMatch(s -> s instanceof String)) {
            List<String> out = new ArrayList<>(list.size());
            list.forEach(s -> out.add((String) s));
            return List.copyOf(out);
        }
        throw new IllegalArgumentException(at + "\"" + key + "\" is not a list of strings");
    }
}
