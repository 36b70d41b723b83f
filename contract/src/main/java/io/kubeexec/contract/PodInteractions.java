package io.kubeexec.contract;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link PodKeys#interactions()} annotation: a JSON array, oldest first, of the last {@value #MAX_ENTRIES}
 * interactions with a pod, each {@code {"user", "groups", "kind", "container", "command", "time"}} with the time in
 * Go's {@code Time.String()} form, to the second. The controller appends to it; {@code kubectl pi} reads it.
 *
 * <p>No JSON library here, so that both sides compile it: each turns the annotation's text into plain lists, maps
 * and strings with its own (Jackson in the controller, the plugin's small reader), and back, and this class says
 * what those hold.
 */
public final class PodInteractions {

    /** The annotation keeps the most recent entries only, so that it stays small. */
    public static final int MAX_ENTRIES = 20;

    public static final String USER = "user";
    public static final String GROUPS = "groups";
    public static final String KIND = "kind";
    public static final String CONTAINER = "container";
    public static final String COMMAND = "command";
    public static final String TIME = "time";

    private PodInteractions() {
    }

    /**
     * One interaction, as recorded. Read from a pod, a field the controller did not write is null (a string) or
     * empty (a list).
     */
    public record Entry(String user, List<String> groups, String kind, String container, List<String> command,
            String time) {

        /** What the controller records for an interaction at {@code time}, kept to the second. */
        public static Entry of(String user, Collection<String> groups, String kind, String container,
                Collection<String> command, Instant time) {
            return new Entry(user, Collections.unmodifiableList(new ArrayList<>(groups)), kind, container,
                    Collections.unmodifiableList(new ArrayList<>(command)),
                    GoTime.format(time.truncatedTo(ChronoUnit.SECONDS)));
        }

        /** The recorded time, when it is in the Go form the controller writes. */
        public Optional<Instant> instant() {
            if (time == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(GoTime.parse(time));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** The JSON object the controller writes: every field, in the order above. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(USER, user);
            m.put(GROUPS, groups);
            m.put(KIND, kind);
            m.put(CONTAINER, container);
            m.put(COMMAND, command);
            m.put(TIME, time);
            return m;
        }
    }

    /**
     * The annotation's next value, as a JSON array to serialise: the entries already there, kept as they are (an
     * entry with fields a later version added survives), then {@code entry}; beyond {@value #MAX_ENTRIES}, the oldest
     * are dropped.
     */
    public static List<Object> append(List<?> existing, Entry entry) {
        List<Object> list = new ArrayList<>(existing.size() + 1);
        list.addAll(existing);
        list.add(entry.toJson());
        return list.size() > MAX_ENTRIES ? list.subList(list.size() - MAX_ENTRIES, list.size()) : list;
    }

    /**
     * The entries of the annotation, parsed into plain lists, maps and strings. Throws
     * {@link IllegalArgumentException}, saying where, for anything but a JSON array of objects whose fields have
     * the recorded types: a garbled history is reported, never half-guessed.
     */
    public static List<Entry> read(Object parsed) {
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalArgumentException("not a JSON array");
        }
        List<Entry> entries = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("entry " + (i + 1) + " is not a JSON object");
            }
            String at = "entry " + (i + 1) + ": ";
            entries.add(new Entry(string(map, USER, at), strings(map, GROUPS, at), string(map, KIND, at),
                    string(map, CONTAINER, at), strings(map, COMMAND, at), string(map, TIME, at)));
        }
        return List.copyOf(entries);
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
