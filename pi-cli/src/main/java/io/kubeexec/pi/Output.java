package io.kubeexec.pi;

import io.kubeexec.pi.json.Json;
import java.util.ArrayList;
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

    /** Renders the rows; the namespace column is added for {@code wide} and for {@code -A}. */
    public String render(List<PodRow> rows, boolean allNamespaces) {
        switch (this) {
            case json:
                return Json.writePretty(document(rows)) + "\n";
            case yaml: {
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                options.setIndent(2);
                return new Yaml(options).dump(document(rows));
            }
            default: {
                boolean wide = this == Output.wide;
                boolean namespace = wide || allNamespaces;
                List<List<String>> lines = new ArrayList<>();
                List<String> header = new ArrayList<>();
                if (namespace) {
                    header.add("NAMESPACE");
                }
                header.addAll(HEADER);
                if (wide) {
                    header.add("INITIAL-INTERACTION-TIME");
                }
                lines.add(header);
                for (PodRow r : rows) {
                    List<String> line = new ArrayList<>();
                    if (namespace) {
                        line.add(r.namespace());
                    }
                    line.add(r.name());
                    line.add(r.interactor());
                    line.add(r.ttl());
                    line.add(r.extension());
                    line.add(r.extensionRequester());
                    line.add(r.evictionTime());
                    if (wide) {
                        line.add(r.initialInteractionTime());
                    }
                    lines.add(line);
                }
                return TabWriter.format(lines);
            }
        }
    }

    private static Map<String, Object> document(List<PodRow> rows) {
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
