package io.kubeexec.pi.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void readsWhatTheApiServerSends() {
        Map<String, Object> doc = Json.parseObject("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"a\","
                + "\"labels\":{\"box.com/x\":\"1\"}}}],\"n\":-12,\"f\":1.5e3,\"t\":true,\"z\":null,"
                + "\"s\":\"quote\\\" back\\\\ slash\\/ tab\\t nl\\n \\u00e9\\u20ac\"}");

        assertThat(doc).containsEntry("kind", "PodList").containsEntry("n", -12L).containsEntry("t", true)
                .containsEntry("z", null).containsEntry("f", new BigDecimal("1.5e3"))
                .containsEntry("s", "quote\" back\\ slash/ tab\t nl\n \u00e9\u20ac");
        assertThat(((List<?>) doc.get("items"))).hasSize(1);
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", "x\"y\n\u0001");
        m.put("b", List.of(1L, true, Map.of()));
        m.put("c", null);
        String text = Json.write(m);

        assertThat(text).isEqualTo("{\"a\":\"x\\\"y\\n\\u0001\",\"b\":[1,true,{}],\"c\":null}");
        assertThat(Json.parse(text)).isEqualTo(m);
        assertThat(Json.writePretty(Map.of("k", List.of("v")))).isEqualTo("{\n    \"k\": [\n        \"v\"\n    ]\n}");
    }

    @Test
    void numbersAreLongsWhileTheyFitAndTheLastOfTwoEqualKeysWinsAsInGo() {
        assertThat(Json.parse("[9223372036854775807,9223372036854775808,2.50,922337203685477580801]")).isEqualTo(
                List.of(Long.MAX_VALUE, new BigDecimal("9223372036854775808"), new BigDecimal("2.50"),
                        new BigDecimal("922337203685477580801")));
        assertThat(Json.parseObject("{\"a\":1,\"b\":2,\"a\":3}")).isEqualTo(Map.of("a", 3L, "b", 2L));
    }

    @Test
    void escapesAsGoDoesSoThatOutputMatchesKubectls() {
        assertThat(Json.write(List.of("\u001b[0m \u007f \u2028\u2029 \u00e9 /")))
                .isEqualTo("[\"\\u001b[0m \u007f \\u2028\\u2029 \u00e9 /\"]");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        assertThat(Json.parse("[".repeat(1000) + "]".repeat(1000))).isInstanceOf(List.class);
        assertThatThrownBy(() -> Json.parse("[".repeat(100_000) + "]".repeat(100_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid JSON at offset 1001: Nesting limit 1000 reached");
    }

    @Test
    void anErrorSaysItsOffsetAlsoAfterLineBreaks() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": tru\n}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid JSON at offset 9: invalid literal");
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "tru", "\"open", "{} x", "{\"a\":01x}", "{} {}",
        "\"raw\ttab\""})
    void refusesMalformedInput(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON");
    }
}
