package io.kubeexec.controller.decision;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The extension the eviction scan counts, with -max-extension 24h: an annotation never keeps a pod forever. */
class ExtensionClampTest {

    private static final ExtensionClamp CLAMP = new ExtensionClamp(Duration.ofHours(24));

    @ParameterizedTest(name = "annotation \"{0}\" counts as {1} ({2})")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            null     | none    | taken as written
            30m      | PT30M   | taken as written
            ' 1h30m' | PT1H30M | taken as written
            0s       | PT0S    | taken as written
            24h      | PT24H   | taken as written
            24h0m1s  | PT24H   | above -max-extension, counted as 24h0m0s
            1000h    | PT24H   | above -max-extension, counted as 24h0m0s
            -5m      | none    | negative, counted as none
            forever  | none    | not a Go duration, counted as none
            ''       | none    | not a Go duration, counted as none
            30       | none    | not a Go duration, counted as none
            """)
    void countsAReadableExtensionUpToTheMaximumAndNothingElse(String annotation, String counted, String why) {
        ExtensionClamp.Counted result = CLAMP.count(annotation);

        assertThat(result.extension()).isEqualTo(counted.equals("none") ? Optional.empty()
                : Optional.of(Duration.parse(counted)));
        assertThat(result.why()).isEqualTo(why.equals("taken as written") ? Optional.empty() : Optional.of(why));
    }
}
