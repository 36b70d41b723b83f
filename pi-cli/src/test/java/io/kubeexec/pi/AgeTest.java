package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The age of the last interaction reads like kubectl's AGE column (apimachinery's duration.HumanDuration). */
class AgeTest {

    @ParameterizedTest(name = "{0} ms ago is shown as {1}")
    @CsvSource({
        "-2000, <invalid>",       // the time is in the future, beyond clock skew
        "-1500, 0s",              // within clock skew: now
        "0, 0s",
        "45000, 45s",
        "119999, 119s",           // seconds up to two minutes
        "120000, 2m",
        "200000, 3m20s",          // minutes and seconds below ten minutes
        "300000, 5m",
        "660000, 11m",            // then whole minutes up to three hours
        "10740000, 179m",
        "10800000, 3h",
        "11100000, 3h5m",         // hours and minutes below eight hours
        "28800000, 8h",           // then whole hours up to two days
        "172799000, 47h",
        "172800000, 2d",
        "190800000, 2d5h",        // days and hours below eight days
        "691200000, 8d",          // then whole days up to two years
        "63071999000, 729d",
        "63072000000, 2y",
        "64800000000, 2y20d",     // years and days below eight years
        "252288000000, 8y",
    })
    void agesReadLikeKubectls(long millis, String shown) {
        assertThat(Age.of(Duration.ofMillis(millis))).isEqualTo(shown);
    }
}
