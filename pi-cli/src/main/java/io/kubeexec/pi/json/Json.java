package io.kubeexec.pi.json;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON as plain maps, lists, strings, numbers, booleans and null, through Gson's streaming reader and writer (not its
 * data binding). Nesting over 1 000 deep is refused; the rest is as Go's encoding/json, which kubectl uses: the last
 * duplicate key wins, and strings are escaped with lower-case hex, U+2028 and U+2029 included.
 */
public final class Json {

    /** Where Gson's messages say the error is: line and column, from which the offset is worked out. */
    private static final Pattern WHERE = Pattern.compile("(.*?) at line (\\d+) column (\\d+) path .*", Pattern.DOTALL);

    private Json() {
    }

    /** Parses one JSON value: objects become insertion-ordered maps, numbers {@link Long} or {@link BigDecimal}. */
    public static Object parse(String text) {
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(Strictness.STRICT);
        r.setNestingLimit(1000);
        boolean read = false;
        try {
            Object value = value(r);
            read = true;
            r.peek(); // in strict mode, anything but white space after the value is an error
            return value;
        } catch (IOException e) {
            Matcher m = WHERE.matcher(e.getMessage());
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
            }
            int lineStart = 0;
            for (int line = Integer.parseInt(m.group(2)); line > 1; line--) {
                lineStart = text.indexOf('\n', lineStart) + 1;
            }
            // Worded as by the reader this replaced where Gson's wording is about Gson (users see them).
            String why = e instanceof EOFException ? "unexpected end of input" : read ? "unexpected trailing data"
                    : m.group(1).startsWith("Use JsonReader.setStrictness") ? "invalid literal" : m.group(1);
            throw new IllegalArgumentException("invalid JSON at offset " + (lineStart + Integer.parseInt(m.group(3))
                    - 1) + ": " + why, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        if (!(parse(text) instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return (Map<String, Object>) map;
    }

    private static Object value(JsonReader r) throws IOException {
        return switch (r.peek()) {
            case BEGIN_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                r.beginObject();
                while (r.hasNext()) {
                    map.put(r.nextName(), value(r));
                }
                r.endObject();
                yield map;
            }
            case BEGIN_ARRAY -> {
                List<Object> list = new ArrayList<>();
                r.beginArray();
                while (r.hasNext()) {
                    list.add(value(r));
                }
                r.endArray();
                yield list;
            }
            case NUMBER -> number(r.nextString());
            case BOOLEAN -> r.nextBoolean();
            case NULL -> {
                r.nextNull();
                yield null;
            }
            default -> r.nextString(); // STRING; the closing tokens and the end are checked by Gson
        };
    }

    /** A {@link Long} while the number is an integer that fits, else a {@link BigDecimal}. */
    private static Number number(String text) {
        try {
            return Long.valueOf(text);
        } catch (NumberFormatException e) {
            return new BigDecimal(text); // a fraction, an exponent or beyond a long
        }
    }

    /** Compact JSON. */
    public static String write(Object value) {
        return write(value, false);
    }

    /** Indented JSON in kubectl's style (four spaces, {@code "key": value}), ending without a newline. */
    public static String writePretty(Object value) {
        return write(value, true);
    }

    private static String write(Object value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = new JsonWriter(out)) {
            w.setIndent(pretty ? "    " : "");
            write(w, value);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter has no I/O
        }
        return out.toString();
    }

    private static void write(JsonWriter w, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            w.beginObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                w.name(String.valueOf(e.getKey()));
                write(w, e.getValue());
            }
            w.endObject();
        } else if (value instanceof List<?> list) {
            w.beginArray();
            for (Object item : list) {
                write(w, item);
            }
            w.endArray();
        } else if (value == null || value instanceof Boolean || value instanceof Number) {
            w.jsonValue(String.valueOf(value));
        } else {
            w.value(value.toString());
        }
    }
}
