package io.kubeexec.pi;

import io.kubeexec.pi.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The subset of kubectl's JSONPath templates that {@code -o jsonpath=} and {@code -o custom-columns=} take here:
 * text, {@code {.field.field}}, {@code [n]}, {@code [*]}, {@code {range ...}...{end}} and {@code {"text"}} (with
 * {@code \n}, {@code \t}). A missing field prints nothing, as with kubectl's default
 * {@code --allow-missing-template-keys}; several results of one expression are joined by a space. Anything else
 * (filters, slices, unions, {@code ..}) is refused when parsed, with kubectl's syntax named.
 */
final class JsonPath {

    /** A piece of a template: text, a path, or a range over a path with its own pieces. */
    private record Node(String text, List<String> steps, List<Node> body) {
    }

    private final List<Node> nodes;

    private JsonPath(List<Node> nodes) {
        this.nodes = nodes;
    }

    static JsonPath parse(String template) {
        List<List<Node>> stack = new ArrayList<>(List.of(new ArrayList<>()));
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                open = template.length();
            }
            if (open > i) {
                top(stack).add(new Node(template.substring(i, open), null, null));
            }
            if (open == template.length()) {
                break;
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw error(template, "unclosed {");
            }
            String expr = template.substring(open + 1, close).trim();
            if (expr.startsWith("\"") && expr.endsWith("\"") && expr.length() >= 2) {
                top(stack).add(new Node(expr.substring(1, expr.length() - 1).replace("\\n", "\n")
                        .replace("\\t", "\t").replace("\\\"", "\""), null, null));
            } else if (expr.equals("end")) {
                if (stack.size() == 1) {
                    throw error(template, "{end} without {range}");
                }
                stack.remove(stack.size() - 1);
            } else if (expr.startsWith("range ")) {
                List<Node> body = new ArrayList<>();
                top(stack).add(new Node(null, steps(template, expr.substring(6).trim()), body));
                stack.add(body);
            } else {
                top(stack).add(new Node(null, steps(template, expr), null));
            }
            i = close + 1;
        }
        if (stack.size() != 1) {
            throw error(template, "{range} without {end}");
        }
        return new JsonPath(stack.get(0));
    }

    private static List<Node> top(List<List<Node>> stack) {
        return stack.get(stack.size() - 1);
    }

    /** {@code .a.b[0][*]} (a leading {@code $} or {@code @} allowed) as steps: names, numbers and {@code *}. */
    private static List<String> steps(String template, String path) {
        String p = path.startsWith("$") || path.startsWith("@") ? path.substring(1) : path;
        List<String> steps = new ArrayList<>();
        if (!p.matches("(\\.[A-Za-z0-9_-]+|\\[(\\d+|\\*)])*")) {
            throw error(template, "unsupported expression \"" + path + "\"");
        }
        for (String step : p.split("(?=[.\\[])")) {
            if (!step.isEmpty()) {
                steps.add(step.startsWith(".") ? step.substring(1) : step);
            }
        }
        return steps;
    }

    private static IllegalArgumentException error(String template, String why) {
        return new IllegalArgumentException("error parsing jsonpath " + template + ": " + why + " (kubectl pi "
                + "supports {.field}, [n], [*], {range ...}{end} and {\"text\"})");
    }

    String render(Object root) {
        StringBuilder out = new StringBuilder();
        render(nodes, root, out);
        return out.toString();
    }

    /** The values one path selects in {@code current}; missing fields select nothing. */
    static List<Object> select(List<String> steps, Object current) {
        List<Object> values = new ArrayList<>(List.of(current == null ? new Object() : current));
        for (String step : steps) {
            List<Object> next = new ArrayList<>();
            for (Object v : values) {
                if (step.equals("[*]")) {
                    if (v instanceof List<?> list) {
                        next.addAll(list);
                    } else if (v instanceof Map<?, ?> map) {
                        next.addAll(map.values());
                    }
                } else if (step.startsWith("[")) {
                    int index = Integer.parseInt(step.substring(1, step.length() - 1));
                    if (v instanceof List<?> list && index < list.size()) {
                        next.add(list.get(index));
                    }
                } else if (v instanceof Map<?, ?> map && map.containsKey(step)) {
                    next.add(map.get(step));
                }
            }
            values = next;
        }
        return values;
    }

    /** The values of a path expression, e.g. a custom column's {@code .name}. */
    static List<Object> select(String path, Object current) {
        return select(steps(path, path.startsWith("{") && path.endsWith("}")
                ? path.substring(1, path.length() - 1) : path), current);
    }

    private static void render(List<Node> nodes, Object current, StringBuilder out) {
        for (Node n : nodes) {
            if (n.text() != null) {
                out.append(n.text());
            } else if (n.body() != null) {
                for (Object item : select(n.steps(), current)) {
                    render(n.body(), item, out);
                }
            } else {
                out.append(String.join(" ", select(n.steps(), current).stream().map(JsonPath::text).toList()));
            }
        }
    }

    /** Strings as they are; anything else as JSON, as kubectl prints it. */
    static String text(Object v) {
        return v instanceof String s ? s : Json.write(v);
    }
}
