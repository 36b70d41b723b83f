package io.kubeexec.controller.decision;

import io.kubeexec.contract.PodKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What an interaction writes on a pod: the original's labels and annotation the first time, the history always. */
class InteractionPatchTest {

    private static final PodKeys KEYS = PodKeys.DEFAULT;

    @ParameterizedTest(name = "first interaction at {0} by {1} with TTL {2}: labels {3} {4} {5}, terminates {6}")
    @CsvSource(delimiter = '|', textBlock = """
            2021-10-16T18:06:44Z           | alice                            | PT10M   | 1634407604 | alice                           | 10m0s   | 2021-10-16 18:16:44 +0000 UTC
            2021-10-16T18:06:44.999999999Z | alice                            | PT10M   | 1634407604 | alice                           | 10m0s   | 2021-10-16 18:16:44 +0000 UTC
            2021-10-16T18:06:44Z           | system:serviceaccount:ci:deploy  | PT2M    | 1634407604 | system_serviceaccount_ci_deploy | 2m0s    | 2021-10-16 18:08:44 +0000 UTC
            2021-10-16T18:06:44Z           | alice@example.com                | PT0S    | 1634407604 | alice_example.com               | 0s      | 2021-10-16 18:06:44 +0000 UTC
            2021-10-16T18:06:44Z           | bob                              | PT1H30M | 1634407604 | bob                             | 1h30m0s | 2021-10-16 19:36:44 +0000 UTC
            """)
    void theFirstInteractionSetsTheThreeLabelsTheTerminationTimeAndTheHistory(Instant time, String user, Duration ttl,
            String timestamp, String userLabel, String ttlLabel, String terminationTime) {
        InteractionPatch patch = InteractionPatch.first(KEYS, time, user, ttl, "[history]");

        assertThat(patch.labels()).isEqualTo(Map.of(
                "box.com/podInitialInteractionTimestamp", timestamp,
                "box.com/podInteractorUsername", userLabel,
                "box.com/podTTLDuration", ttlLabel));
        assertThat(patch.annotations()).isEqualTo(Map.of(
                "box.com/podTerminationTime", terminationTime,
                "box.com/podInteractions", "[history]"));
        assertThat(patch.evictionTime()).hasValue(Instant.ofEpochSecond(Long.parseLong(timestamp)).plus(ttl));
    }

    @Test
    void aLaterInteractionOnlyReplacesTheHistory() {
        InteractionPatch patch = InteractionPatch.later(KEYS, "[two entries]");

        assertThat(patch.labels()).isEmpty();
        assertThat(patch.annotations()).isEqualTo(Map.of("box.com/podInteractions", "[two entries]"));
        assertThat(patch.evictionTime()).isEmpty();
        assertThat(patch.mergePatch("42")).isEqualTo(Map.of("metadata", Map.of("resourceVersion", "42",
                "annotations", Map.of("box.com/podInteractions", "[two entries]"))));
    }

    @Test
    void theMergePatchCarriesTheResourceVersionItWasDecidedOnAndOnlyTheKeysItSets() {
        InteractionPatch patch = InteractionPatch.first(KEYS, Instant.parse("2021-10-16T18:06:44Z"), "alice",
                Duration.ofMinutes(10), "[one entry]");

        assertThat(patch.mergePatch("1234")).isEqualTo(Map.of("metadata", Map.of(
                "resourceVersion", "1234",
                "labels", patch.labels(),
                "annotations", patch.annotations())));
    }

    @Test
    void theKeysFollowTheKeyPrefix() {
        PodKeys keys = new PodKeys("example.org/");

        InteractionPatch patch = InteractionPatch.first(keys, Instant.parse("2021-10-16T18:06:44Z"), "alice",
                Duration.ofMinutes(10), "[]");

        assertThat(patch.labels()).containsOnlyKeys("example.org/podInitialInteractionTimestamp",
                "example.org/podInteractorUsername", "example.org/podTTLDuration");
        assertThat(patch.annotations()).containsOnlyKeys("example.org/podTerminationTime", "example.org/podInteractions");
        assertThat(patch.evictionTime()).isEqualTo(Optional.of(Instant.parse("2021-10-16T18:16:44Z")));
    }
}
