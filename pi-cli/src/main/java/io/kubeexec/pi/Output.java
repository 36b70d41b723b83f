package io.kubeexec.pi;

import io.kubeexec.contract.PodInteractions;
import io.kubeexec.pi.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** The {@code -o} formats of {@code kubectl pi get}. */
public enum Output {
    table, wide, json, yaml;

    /** The original plugin's header, unchanged. */
    public static final List<String> HEADER =
            List.of("POD-NAME", "INTERACTOR", "POD-TTL", "EXTENSION", "EXTENSION-REQUESTER", "EVICTION-TIME");

    public static final String LIST_KIND = "PodInteractionList";

    /** Whether this format shows the interaction history (and so needs the annotation read). */
    public boolean showsHistory() {
        return this != table;
    }

    /**
     * Renders the rows; the namespace column is added for {@code wide} and for {@code -A}. {@code now} is what
     * {@code wide}'s age of the last interaction is counted from; {@code headers} false drops the table's header line
     * ({@code --no-headers}).
     */
    public String render(List<PodRow> rows, boolean allNamespaces, Instant now, boolean headers) {
        if (this == json) {
            return Json.writePretty(document(rows)) + "\n";
        }
        if (this == yaml) {
            DumperOptions options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            options.setIndent(2);
            options.setDereferenceAliases(true); // two empty lists are not one &id001 and its *id001
            return new Yaml(options).dump(document(rows));
        }
        boolean wide = this == Output.wide;
        boolean namespace = wide || allNamespaces;
        List<List<String>> lines = new ArrayList<>();
        if (headers) {
            List<String> header = new ArrayList<>(namespace ? List.of("NAMESPACE") : List.of());
            header.addAll(HEADER);
            if (wide) {
                header.addAll(List.of("INITIAL-INTERACTION-TIME", "INTERACTIONS", "LAST-INTERACTION"));
            }
            lines.add(header);
        }
        for (PodRow r : rows) {
            List<String> line = new ArrayList<>();
            if (namespace) {
                line.add(r.namespace());
            }
            line.addAll(Arrays.asList(r.name(), r.interactor(), r.ttl(), r.extension(), r.extensionRequester(),
                    r.evictionTime()));
            if (wide) {
                line.add(r.initialInteractionTime());
                line.add(r.history() == null ? "" : Integer.toString(r.history().entries().size()));
                line.add(r.history() == null ? "" : r.history().last().map(e -> last(e, now)).orElse(""));
            }
            lines.add(line);
        }
        return TabWriter.format(lines);
    }

    /** {@code exec by alice 5m ago}: the kind, the user and kubectl's age of the most recent interaction. */
    static String last(PodInteractions.Entry e, Instant now) {
        StringBuilder cell = new StringBuilder(e.kind() == null || e.kind().isEmpty() ? "interaction" : e.kind());
        if (e.user() != null && !e.user().isEmpty()) {
            cell.append(" by ").append(e.user());
        }
        e.instant().ifPresent(t -> cell.append(' ').append(Age.of(Duration.between(t, now))).append(" ago"));
        return cell.toString();
    }

    static Map<String, Object> document(List<PodRow> rows) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kind", LIST_KIND);
        List<Object> items = new ArrayList<>();
        for (PodRow r : rows) {
            items.add(r.toMap());
        }
        doc.put("items", items);
        return doc;
    }
}
