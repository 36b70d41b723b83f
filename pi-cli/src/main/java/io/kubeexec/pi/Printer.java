package io.kubeexec.pi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -o} as kubectl spells it: the original's {@code table}, {@code wide}, {@code json} and {@code yaml}, and
 * kubectl's {@code name}, {@code jsonpath=TEMPLATE} and {@code custom-columns=HEADER:PATH,...}, whose paths read the
 * {@code -o json} form of a pod ({@code .name}, {@code .interactor}, {@code .interactions[*].user}...).
 */
record Printer(String format, Output output, JsonPath template, List<String> headers, List<String> paths) {

    static final String FORMATS = "custom-columns,json,jsonpath,name,table,wide,yaml";

    static Printer parse(String text) {
        int eq = text.indexOf('=');
        String format = eq < 0 ? text : text.substring(0, eq);
        String argument = eq < 0 ? null : text.substring(eq + 1);
        switch (format) {
            case "table", "wide", "json", "yaml" -> {
                if (argument == null) {
                    return new Printer(format, Output.valueOf(format), null, null, null);
                }
            }
            case "name" -> {
                if (argument == null) {
                    return new Printer(format, null, null, null, null);
                }
            }
            case "jsonpath" -> {
                if (argument != null && !argument.isEmpty()) {
                    return new Printer(format, null, JsonPath.parse(argument), null, null);
                }
                throw new IllegalArgumentException("template format specified but no template given");
            }
            case "custom-columns" -> {
                List<String> headers = new ArrayList<>();
                List<String> paths = new ArrayList<>();
                for (String column : argument == null ? new String[0] : argument.split(",")) {
                    int colon = column.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("unexpected custom-columns spec: " + column
                                + ", expected <header>:<json-path-expr>");
                    }
                    headers.add(column.substring(0, colon));
                    String path = column.substring(colon + 1);
                    JsonPath.select(path, null); // refused now if unsupported
                    paths.add(path);
                }
                if (headers.isEmpty()) {
                    throw new IllegalArgumentException("custom-columns format specified but no custom columns given");
                }
                return new Printer(format, null, null, headers, paths);
            }
            default -> {
            }
        }
        throw new IllegalArgumentException("unable to match a printer suitable for the output format \"" + text
                + "\", allowed formats are: " + FORMATS);
    }

    /** Whether the rows need the interaction history read (everything but the original's table). */
    boolean showsHistory() {
        return output != Output.table && !format.equals("name");
    }

    /** A list format (json, yaml, jsonpath) prints an empty list for no pods; the tables print an error. */
    boolean isDocument() {
        return output == Output.json || output == Output.yaml || template != null;
    }

    String render(List<PodRow> rows, boolean allNamespaces, Instant now, boolean withHeaders) {
        if (output != null) {
            return output.render(rows, allNamespaces, now, withHeaders);
        }
        StringBuilder out = new StringBuilder();
        if (format.equals("name")) {
            rows.forEach(r -> out.append("pod/").append(r.name()).append('\n'));
        } else if (template != null) {
            out.append(template.render(Output.document(rows)));
        } else {
            List<List<String>> lines = new ArrayList<>();
            if (withHeaders) {
                lines.add(headers);
            }
            for (PodRow r : rows) {
                List<String> line = new ArrayList<>();
                for (String path : paths) {
                    List<String> values = JsonPath.select(path, r.toMap()).stream().map(JsonPath::text).toList();
                    line.add(values.isEmpty() ? "<none>" : String.join(",", values));
                }
                lines.add(line);
            }
            out.append(TabWriter.format(lines, 6, 3, ' ')); // kubectl's own table layout
        }
        return out.toString();
    }
}
