package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code -d}: Go durations plus days, always written as Go prints them. */
class ExtensionDurationTest {

    @ParameterizedTest(name = "\"{0}\" is written as {1}")
    @CsvSource({
        "30m, 30m0s",
        "30s, 30s",
        "90s, 1m30s",
        "10m, 10m0s",
        "6h, 6h0m0s",
        "1h30m, 1h30m0s",
        "1.5h, 1h30m0s",
        "1d, 24h0m0s",
        "2d, 48h0m0s",
        "1.5d, 36h0m0s",
        "1d12h, 36h0m0s",
        "1d30m, 24h30m0s",
        "0.5d, 12h0m0s",
        ".5d, 12h0m0s",
        "0, 0s",
        "0s, 0s",
        "' 45m ', 45m0s",
        "1h0m0s, 1h0m0s",
        "500ms, 500ms",
    })
    void normalisesToGosForm(String given, String written) {
        assertThat(ExtendCommand.extension(given)).isEqualTo(written);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", "soon", "10", "1x", "d", "1dd", "1ds", "h1", "1h-5m", "1.2.3h", "30 m"})
    void refusesWhatIsNotADuration(String given) {
        assertThatThrownBy(() -> ExtendCommand.extension(given))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid duration \"" + given + "\": expecting a duration such as 90s, 30m, 1h30m or 1d");
    }

    @ParameterizedTest(name = "\"{0}\" is refused as negative")
    @ValueSource(strings = {"-1h", "-30m", "-1d"})
    void refusesNegativeExtensions(String given) {
        assertThatThrownBy(() -> ExtendCommand.extension(given))
                .hasMessage("invalid duration \"" + given + "\": an extension cannot be negative");
    }
}
