package io.kubeexec.contract;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Go's time.ParseDuration and Duration.String(): the expected texts are what Go 1.17+ prints. */
class GoDurationTest {

    @ParameterizedTest(name = "\"{0}\" parses to {1} ns and prints as \"{2}\"")
    @CsvSource(delimiter = '|', textBlock = """
            10m0s                          | 600000000000         | 10m0s
            10m                            | 600000000000         | 10m0s
            1h0m0s                         | 3600000000000        | 1h0m0s
            1h                             | 3600000000000        | 1h0m0s
            0s                             | 0                    | 0s
            0                              | 0                    | 0s
            +0                             | 0                    | 0s
            -0                             | 0                    | 0s
            1h30m                          | 5400000000000        | 1h30m0s
            1.5h                           | 5400000000000        | 1h30m0s
            -1h                            | -3600000000000       | -1h0m0s
            -1.5h                          | -5400000000000       | -1h30m0s
            90s                            | 90000000000          | 1m30s
            2m0s                           | 120000000000         | 2m0s
            4s                             | 4000000000           | 4s
            30m                            | 1800000000000        | 30m0s
            24h                            | 86400000000000       | 24h0m0s
            1.5ms                          | 1500000              | 1.5ms
            1ms                            | 1000000              | 1ms
            500ns                          | 500                  | 500ns
            1ns                            | 1                    | 1ns
            1µs                            | 1000                 | 1µs
            1μs                            | 1000                 | 1µs
            1us                            | 1000                 | 1µs
            1.5us                          | 1500                 | 1.5µs
            1500us                         | 1500000              | 1.5ms
            2h45m0.5s                      | 9900500000000        | 2h45m0.5s
            +5s                            | 5000000000           | 5s
            .5s                            | 500000000            | 500ms
            1.s                            | 1000000000           | 1s
            1.000000001s                   | 1000000001           | 1.000000001s
            0.1s                           | 100000000            | 100ms
            1m1.25s                        | 61250000000          | 1m1.25s
            1h1m1s1ms1us1ns                | 3661001001001        | 1h1m1.001001001s
            100h                           | 360000000000000      | 100h0m0s
            9223372036854775807ns          | 9223372036854775807  | 2562047h47m16.854775807s
            -9223372036854775808ns         | -9223372036854775808 | -2562047h47m16.854775808s
            2562047h                       | 9223369200000000000  | 2562047h0m0s
            """)
    void parsesAndPrintsExactlyAsGo(String text, long nanos, String printed) {
        assertThat(GoDuration.parseNanos(text)).isEqualTo(nanos);
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
        assertThat(GoDuration.formatNanos(nanos)).isEqualTo(printed);
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(printed);
    }

    @ParameterizedTest(name = "{1} ns prints as \"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            0s                | 0
            1ns               | 1
            999ns             | 999
            1µs               | 1000
            1.001µs           | 1001
            999.999µs         | 999999
            1ms               | 1000000
            1.000001ms        | 1000001
            999.999999ms      | 999999999
            1s                | 1000000000
            59.999999999s     | 59999999999
            1m0s              | 60000000000
            59m59s            | 3599000000000
            1h0m0s            | 3600000000000
            -1ns              | -1
            -1.5ms            | -1500000
            -1m30s            | -90000000000
            """)
    void printsEveryMagnitudeWithGosUnitAndWithoutTrailingZeros(String printed, long nanos) {
        assertThat(GoDuration.formatNanos(nanos)).isEqualTo(printed);
    }

    @ParameterizedTest(name = "\"{0}\" is refused with Go''s message: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            abc                    | time: invalid duration "abc"
            ''                     | time: invalid duration ""
            -                      | time: invalid duration "-"
            +                      | time: invalid duration "+"
            .s                     | time: invalid duration ".s"
            -.s                    | time: invalid duration "-.s"
            s                      | time: invalid duration "s"
            -1h-1m                 | time: unknown unit "h-" in duration "-1h-1m"
            ' 1s'                  | time: invalid duration " 1s"
            1                      | time: missing unit in duration "1"
            -1                     | time: missing unit in duration "-1"
            1h30                   | time: missing unit in duration "1h30"
            1.5                    | time: missing unit in duration "1.5"
            1d                     | time: unknown unit "d" in duration "1d"
            3 s                    | time: unknown unit " s" in duration "3 s"
            1hh                    | time: unknown unit "hh" in duration "1hh"
            1H                     | time: unknown unit "H" in duration "1H"
            1e3s                   | time: unknown unit "e" in duration "1e3s"
            9223372036854775808ns  | time: invalid duration "9223372036854775808ns"
            9223372036854775807ns1ns | time: invalid duration "9223372036854775807ns1ns"
            2562048h               | time: invalid duration "2562048h"
            -2562048h              | time: invalid duration "-2562048h"
            2562047h48m            | time: invalid duration "2562047h48m"
            99999999999999999999s  | time: invalid duration "99999999999999999999s"
            """)
    void refusesWhatGoRefusesWithGosMessage(String text, String message) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @org.junit.jupiter.api.Test
    void aNullDurationIsRefusedLikeAnEmptyOne() {
        assertThatThrownBy(() -> GoDuration.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("time: invalid duration \"\"");
    }

    @ParameterizedTest(name = "{0} ns survives print then parse")
    @ValueSource(longs = {0, 1, -1, 999, 1000, 1001, 999_999, 1_000_000, 1_500_000, 999_999_999, 1_000_000_000,
            1_000_000_001, 59_999_999_999L, 60_000_000_000L, 90_000_000_000L, 600_000_000_000L, 3_600_000_000_000L,
            5_400_000_000_000L, 9_900_500_000_000L, 86_400_000_000_000L, -3_600_000_000_000L, 123_456_789_012_345L,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1})
    void everyPrintedDurationParsesBackToTheSameValue(long nanos) {
        assertThat(GoDuration.parseNanos(GoDuration.formatNanos(nanos))).isEqualTo(nanos);
    }

    @ParameterizedTest(name = "\"{0}\" is already Go''s canonical text")
    @ValueSource(strings = {"0s", "1ns", "1µs", "1.5ms", "4s", "2m0s", "10m0s", "1h0m0s", "1h30m0s", "-1h0m0s",
            "2h45m0.5s", "24h0m0s", "2562047h47m16.854775807s"})
    void aCanonicalTextPrintsBackUnchanged(String text) {
        assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(text);
    }
}
