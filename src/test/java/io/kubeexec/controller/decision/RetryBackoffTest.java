package io.kubeexec.controller.decision;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How long unrecorded work waits before its next attempt. */
class RetryBackoffTest {

    @ParameterizedTest(name = "after failure #{0} the work waits {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0    | PT0S
            1    | PT0.5S
            2    | PT1S
            3    | PT2S
            7    | PT32S
            8    | PT1M
            9    | PT1M
            1000 | PT1M
            """)
    void waitsHalfASecondThenDoublesUpToAMinute(int failures, Duration expected) {
        assertThat(RetryBackoff.after(failures)).isEqualTo(expected);
    }
}
