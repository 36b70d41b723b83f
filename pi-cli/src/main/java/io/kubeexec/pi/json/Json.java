package io.kubeexec.pi.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain maps, lists, strings, numbers, booleans and null, through jackson-core's streaming parser and
 * generator. jackson-core's read limits apply (nesting over 1 000 deep, a string over 20 M characters, a number over
 * 1 000 digits are refused); the rest is as Go's encoding/json, which kubectl uses: the last duplicate key wins, and
 * strings are escaped with lower-case hex, U+2028 and U+2029 included.
 */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder().disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build();

    private Json() {
    }

    /** Parses one JSON value: objects become insertion-ordered maps, numbers {@link Long} or {@code BigDecimal}. */
    public static Object parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            Object value = value(p, p.nextToken());
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "unexpected trailing data");
            }
            return value;
        } catch (JsonProcessingException e) {
            // Two reasons worded as by the reader this replaced: users see them (a garbled annotation's warning).
            String why = e.getOriginalMessage();
            throw new IllegalArgumentException("invalid JSON" + (e.getLocation() == null ? "" : " at offset "
                    + e.getLocation().getCharOffset()) + ": " + (why.startsWith("Unexpected end-of-input")
                    ? "unexpected end of input" : why.startsWith("Unrecognized token") ? "invalid literal" : why), e);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a string has no I/O
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        if (!(parse(text) instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return (Map<String, Object>) map;
    }

    private static Object value(JsonParser p, JsonToken token) throws IOException {
        return switch (token == null ? JsonToken.NOT_AVAILABLE : token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
                    map.put(key, value(p, p.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    list.add(value(p, t));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getDecimalValue()
                    : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
            case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(p, "Unexpected end-of-input");
        };
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
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            DefaultIndenter fourSpaces = new DefaultIndenter("    ", "\n");
            g.setPrettyPrinter(pretty ? new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withObjectEmptySeparator("")
                    .withArrayEmptySeparator("")).withObjectIndenter(fourSpaces).withArrayIndenter(fourSpaces) : null);
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter has no I/O
        }
        return out.toString().replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value == null || value instanceof Boolean || value instanceof Number) {
            g.writeRawValue(String.valueOf(value));
        } else {
            g.writeString(value.toString());
        }
    }
}
