package io.kubeexec.contract;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Go's Time.String() of a UTC time, the form of the termination annotation and of the Event texts. */
class GoTimeTest {

    @ParameterizedTest(name = "{0}s + {1}ns is written as \"{2}\" and read back")
    @CsvSource(delimiter = '|', textBlock = """
            1634407604 | 0         | 2021-10-16 18:06:44 +0000 UTC
            1634408037 | 0         | 2021-10-16 18:13:57 +0000 UTC
            0          | 0         | 1970-01-01 00:00:00 +0000 UTC
            1634407604 | 500000000 | 2021-10-16 18:06:44.5 +0000 UTC
            1634407604 | 123456789 | 2021-10-16 18:06:44.123456789 +0000 UTC
            1634407604 | 120000000 | 2021-10-16 18:06:44.12 +0000 UTC
            1634407604 | 1         | 2021-10-16 18:06:44.000000001 +0000 UTC
            1634407604 | 100       | 2021-10-16 18:06:44.0000001 +0000 UTC
            951782400  | 0         | 2000-02-29 00:00:00 +0000 UTC
            4102444799 | 999999999 | 2099-12-31 23:59:59.999999999 +0000 UTC
            """)
    void writesAndReadsGosUtcFormWithAFractionOnlyWhenNonZero(long seconds, int nanos, String text) {
        Instant instant = Instant.ofEpochSecond(seconds, nanos);
        assertThat(GoTime.format(instant)).isEqualTo(text);
        assertThat(GoTime.parse(text)).isEqualTo(instant);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {
            "",
            "garbage",
            "2021-10-16 18:06:44 +0200 CEST",
            "2021-10-16 18:06:44 -0700 MST",
            "2021-10-16 18:06:44 +0000 GMT",
            "2021-10-16 18:06:44 UTC",
            "2021-10-16 18:06:44 +0000 UTC m=+0.000000001",
            "2021-10-16T18:06:44Z",
            "2021-10-16 18:06 +0000 UTC",
            "2021-10-16 18:06:44. +0000 UTC",
            "2021-10-16 18:06:44.1234567890 +0000 UTC",
            "2021-10-16 18:06:44.5x +0000 UTC",
            "2021-13-16 18:06:44 +0000 UTC",
            "2021-10-16 25:06:44 +0000 UTC",
            "2021-10-16 24:00:00 +0000 UTC",
            "2021-02-30 00:00:00 +0000 UTC",
            "2021-02-29 00:00:00 +0000 UTC",
            "16.10.2021 18:06:44 +0000 UTC",
            " +0000 UTC"})
    void refusesOtherZonesAndAnythingThatIsNotGosUtcForm(String text) {
        assertThatThrownBy(() -> GoTime.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Go UTC time")
                .hasMessageContaining(text);
    }

    @org.junit.jupiter.api.Test
    void aMissingTimeIsRefused() {
        assertThatThrownBy(() -> GoTime.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
