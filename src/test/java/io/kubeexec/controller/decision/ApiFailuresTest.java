package io.kubeexec.controller.decision;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failed API calls the queue workers retry. */
class ApiFailuresTest {

    @ParameterizedTest(name = "HTTP {0} ({1}): retried = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            0   | no answer at all         | true
            -1  | no answer at all         | true
            400 | bad request              | false
            401 | unauthorized (token)     | true
            403 | forbidden                | false
            404 | the pod is gone          | false
            409 | conflict                 | true
            410 | gone (watch expired)     | true
            422 | invalid                  | false
            429 | too many requests        | true
            500 | internal error           | true
            503 | unavailable              | true
            504 | gateway timeout          | true
            """)
    void onlyAnswersThatNeverChangeAreFinal(int status, String meaning, boolean retried) {
        assertThat(ApiFailures.canSucceedLater(status)).isEqualTo(retried);
        assertThat(ApiFailures.isFinal(status)).isEqualTo(!retried);
    }
}
