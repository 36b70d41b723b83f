package io.kubeexec.pi;

import io.kubeexec.contract.PodInteractions;
import io.kubeexec.pi.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code -o} as kubectl spells it: the original's {@code table}, {@code wide}, {@code json} and {@code yaml}, and
 * kubectl's {@code name}, {@code jsonpath=TEMPLATE} and {@code custom-columns=HEADER:PATH,...}, whose paths read the
 * {@code -o json} form of a pod ({@code .name}, {@code .interactor}, {@code .interactions[*].user}...).
 */
record Printer(String format, JsonPath template, List<String> headers, List<String> paths) {

    static final String FORMATS = "custom-columns,json,jsonpath,name,table,wide,yaml";
    /** The original plugin's header, unchanged. */
    static final List<String> HEADER =
            List.of("POD-NAME", "INTERACTOR", "POD-TTL", "EXTENSION", "EXTENSION-REQUESTER", "EVICTION-TIME");
    private static final int TAB_WIDTH = 8;

    static Printer parse(String text) {
        int eq = text.indexOf('=');
        String format = eq < 0 ? text : text.substring(0, eq);
        String argument = eq < 0 ? null : text.substring(eq + 1);
        if (argument == null && List.of("table", "wide", "json", "yaml", "name").contains(format)) {
            return new Printer(format, null, null, null);
        } else if (format.equals("jsonpath")) {
            if (argument == null || argument.isEmpty()) {
                throw new IllegalArgumentException("template format specified but no template given");
            }
            return new Printer(format, JsonPath.parse(argument), null, null);
        } else if (format.equals("custom-columns")) {
            List<String> headers = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (String column : argument == null ? new String[0] : argument.split(",")) {
                int colon = column.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("unexpected custom-columns spec: " + column
                            + ", expected <header>:<json-path-expr>");
                }
                headers.add(column.substring(0, colon));
                paths.add(column.substring(colon + 1));
                JsonPath.select(paths.get(paths.size() - 1), null); // refused now if unsupported
            }
            if (headers.isEmpty()) {
                throw new IllegalArgumentException("custom-columns format specified but no custom columns given");
            }
            return new Printer(format, null, headers, paths);
        }
        throw new IllegalArgumentException("unable to match a printer suitable for the output format \"" + text
                + "\", allowed formats are: " + FORMATS);
    }

    /** Whether the rows need the interaction history read (everything but the original's table and name). */
    boolean showsHistory() {
        return !format.equals("table") && !format.equals("name");
    }

    /** A list format (json, yaml, jsonpath) prints an empty list for no pods; the tables print an error. */
    boolean isDocument() {
        return format.equals("json") || format.equals("yaml") || format.equals("jsonpath");
    }

    /**
     * Renders the rows; the namespace column is added for {@code wide} and for {@code -A}. {@code now} is what
     * {@code wide}'s age of the last interaction is counted from; {@code headers} false drops the table's header line
     * ({@code --no-headers}).
     */
    String render(List<PodRow> rows, boolean allNamespaces, Instant now, boolean withHeaders) {
        return switch (format) {
            case "json" -> Json.writePretty(document(rows)) + "\n";
            case "yaml" -> yaml().dump(document(rows));
            case "name" -> String.join("", rows.stream().map(r -> "pod/" + r.name() + "\n").toList());
            case "jsonpath" -> template.render(document(rows));
            case "custom-columns" -> tabulate(customColumns(rows, withHeaders), 6, 3, false); // kubectl's layout
            default -> tabulate(table(rows, allNamespaces, now, withHeaders), 0, 2, true); // the original's
        };
    }

    private static Yaml yaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setDereferenceAliases(true); // two empty lists are not one &id001 and its *id001
        return new Yaml(options);
    }

    private List<List<String>> customColumns(List<PodRow> rows, boolean withHeaders) {
        List<List<String>> lines = new ArrayList<>(withHeaders ? List.of(headers) : List.of());
        for (PodRow r : rows) {
            List<String> line = new ArrayList<>();
            for (String path : paths) {
                List<String> values = JsonPath.select(path, r.toMap()).stream().map(JsonPath::text).toList();
                line.add(values.isEmpty() ? "<none>" : String.join(",", values));
            }
            lines.add(line);
        }
        return lines;
    }

    private List<List<String>> table(List<PodRow> rows, boolean allNamespaces, Instant now, boolean withHeaders) {
        boolean wide = format.equals("wide");
        boolean namespace = wide || allNamespaces;
        List<List<String>> lines = new ArrayList<>();
        if (withHeaders) {
            List<String> header = new ArrayList<>(namespace ? List.of("NAMESPACE") : List.of());
            header.addAll(HEADER);
            if (wide) {
                header.addAll(List.of("INITIAL-INTERACTION-TIME", "INTERACTIONS", "LAST-INTERACTION"));
            }
            lines.add(header);
        }
        for (PodRow r : rows) {
            List<String> line = new ArrayList<>(namespace ? List.of(r.namespace()) : List.of());
            line.addAll(List.of(r.name(), r.interactor(), r.ttl(), r.extension(), r.extensionRequester(),
                    r.evictionTime()));
            if (wide) {
                line.add(r.initialInteractionTime());
                line.add(r.history() == null ? "" : Integer.toString(r.history().size()));
                line.add(r.history() == null || r.history().isEmpty() ? ""
                        : last(r.history().get(r.history().size() - 1), now));
            }
            lines.add(line);
        }
        return lines;
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
        doc.put("kind", "PodInteractionList");
        doc.put("items", rows.stream().map(PodRow::toMap).toList());
        return doc;
    }

    /**
     * Go's {@code text/tabwriter} for rows of one length, in the two settings the plugin prints with. The original
     * plugin's ({@code minwidth 0, tabwidth 8, padding 2, padchar '\t'}): each column is padded with tabs to the
     * smallest multiple of 8 that holds its widest cell plus 2, reproduced exactly so that scripts written against
     * the original plugin's output keep working. kubectl's, for {@code -o custom-columns} ({@code minwidth 6,
     * padding 3, padchar ' '}, cli-runtime's tab writer): each column is padded with spaces to its widest cell plus
     * 3, at least 6. The last cell of a row is not padded; Go counts runes (code points).
     */
    static String tabulate(List<List<String>> rows, int minWidth, int padding, boolean tabs) {
        int[] widths = new int[rows.isEmpty() ? 0 : rows.get(0).size() - 1];
        for (List<String> row : rows) {
            for (int col = 0; col < widths.length; col++) {
                int width = row.get(col).codePointCount(0, row.get(col).length()) + padding;
                widths[col] = Math.max(widths[col], Math.max(minWidth, width));
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            for (int col = 0; col < row.size(); col++) {
                String cell = row.get(col);
                out.append(cell);
                if (col < widths.length) {
                    int width = tabs ? (widths[col] + TAB_WIDTH - 1) / TAB_WIDTH * TAB_WIDTH : widths[col];
                    int pad = width - cell.codePointCount(0, cell.length());
                    out.append(tabs ? "\t".repeat((pad + TAB_WIDTH - 1) / TAB_WIDTH) : " ".repeat(pad));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
