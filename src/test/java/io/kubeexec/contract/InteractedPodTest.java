package io.kubeexec.contract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading an interacted pod's state back from its labels and annotations, as the scan and kubectl pi do. */
class InteractedPodTest {

    private static final PodKeys KEYS = PodKeys.DEFAULT;

    @ParameterizedTest(name = "interacted at {0} with TTL {1} and extension ''{2}'' is evicted at {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1634407604 | 10m0s   |         | 2021-10-16 18:16:44 +0000 UTC
            1634407604 | 0s      |         | 2021-10-16 18:06:44 +0000 UTC
            1634407604 | 1h0m0s  |         | 2021-10-16 19:06:44 +0000 UTC
            1634407604 | 10m0s   | 30m     | 2021-10-16 18:46:44 +0000 UTC
            1634407604 | 10m0s   | 1h30m   | 2021-10-16 19:46:44 +0000 UTC
            1634407604 | 10m0s   | 90s     | 2021-10-16 18:18:14 +0000 UTC
            1634407604 | 10m0s   | 1.5s    | 2021-10-16 18:16:45.5 +0000 UTC
            1634407604 | 4s      | 0s      | 2021-10-16 18:06:48 +0000 UTC
            """)
    void evictionTimeIsTimestampPlusTtlPlusExtension(long timestamp, String ttl, String extension, String expected) {
        Map<String, String> labels = Map.of(
                KEYS.initialInteractionTimestamp(), Long.toString(timestamp),
                KEYS.ttlDuration(), ttl,
                KEYS.interactorUsername(), "alice");
        Map<String, String> annotations = extension == null ? Map.of() : Map.of(KEYS.extendedDuration(), extension);

        InteractedPod pod = InteractedPod.read(KEYS, labels, annotations).orElseThrow();

        assertThat(GoTime.format(pod.evictionTime())).isEqualTo(expected);
    }

    @Test
    void aSecondExtensionReplacesTheFirstInsteadOfAddingToIt() {
        Map<String, String> labels = Map.of(
                KEYS.initialInteractionTimestamp(), "1634407604", KEYS.ttlDuration(), "10m0s");
        Instant afterFirst = InteractedPod.read(KEYS, labels, Map.of(KEYS.extendedDuration(), "30m"))
                .orElseThrow().evictionTime();
        Instant afterSecond = InteractedPod.read(KEYS, labels, Map.of(
                        KEYS.extendedDuration(), "1h",
                        KEYS.terminationTime(), GoTime.format(afterFirst)))
                .orElseThrow().evictionTime();

        assertThat(afterSecond).isEqualTo(Instant.ofEpochSecond(1634407604).plus(Duration.ofMinutes(70)));
    }

    @Test
    void readsEveryFieldTheControllerWrote() {
        InteractedPod pod = InteractedPod.read(KEYS,
                Map.of(KEYS.initialInteractionTimestamp(), "1634407604",
                        KEYS.ttlDuration(), "2m0s",
                        KEYS.interactorUsername(), "system_serviceaccount_ns_sa",
                        "app", "web"),
                Map.of(KEYS.extendedDuration(), "30m",
                        KEYS.extensionRequester(), "system:serviceaccount:ns:sa",
                        KEYS.terminationTime(), "2021-10-16 18:38:44 +0000 UTC")).orElseThrow();

        assertThat(pod.initialInteraction()).isEqualTo(Instant.ofEpochSecond(1634407604));
        assertThat(pod.interactor()).isEqualTo("system_serviceaccount_ns_sa");
        assertThat(pod.ttl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(pod.extension()).contains(Duration.ofMinutes(30));
        assertThat(pod.extensionRequester()).contains("system:serviceaccount:ns:sa");
        assertThat(pod.terminationTime()).contains("2021-10-16 18:38:44 +0000 UTC");
    }

    @Test
    void aPodWithoutTheTimestampLabelWasNeverInteractedWith() {
        assertThat(InteractedPod.read(KEYS, Map.of("app", "web", KEYS.ttlDuration(), "10m0s"),
                Map.of(KEYS.extendedDuration(), "30m"))).isEmpty();
        assertThat(InteractedPod.read(KEYS, Map.of(), Map.of())).isEmpty();
        assertThat(InteractedPod.read(KEYS, null, null)).isEmpty();
    }

    @Test
    void missingOptionalAnnotationsAreEmptyAndAMissingUsernameIsBlank() {
        InteractedPod pod = InteractedPod.read(KEYS,
                Map.of(KEYS.initialInteractionTimestamp(), "1634407604", KEYS.ttlDuration(), "10m0s"),
                null).orElseThrow();

        assertThat(pod.interactor()).isEmpty();
        assertThat(pod.extension()).isEqualTo(Optional.empty());
        assertThat(pod.extensionRequester()).isEmpty();
        assertThat(pod.terminationTime()).isEmpty();
    }

    @Test
    void keysWithAnotherPrefixAreReadAndTheDefaultOnesIgnored() {
        PodKeys custom = new PodKeys("example.org/");
        Map<String, String> labels = Map.of(
                "example.org/podInitialInteractionTimestamp", "1634407604",
                "example.org/podTTLDuration", "1h0m0s",
                KEYS.initialInteractionTimestamp(), "1",
                KEYS.ttlDuration(), "0s");

        InteractedPod pod = InteractedPod.read(custom, labels, Map.of("example.org/podExtendedDuration", "1h"))
                .orElseThrow();

        assertThat(GoTime.format(pod.evictionTime())).isEqualTo("2021-10-16 20:06:44 +0000 UTC");
        assertThat(InteractedPod.read(custom, Map.of(KEYS.initialInteractionTimestamp(), "1"), Map.of())).isEmpty();
    }

    @ParameterizedTest(name = "timestamp ''{0}'', TTL ''{1}'', extension ''{2}'' is refused naming {3}")
    @CsvSource(delimiter = '|', textBlock = """
            abc                  | 10m0s | 30m  | box.com/podInitialInteractionTimestamp
            ''                   | 10m0s | 30m  | box.com/podInitialInteractionTimestamp
            1634407604.5         | 10m0s | 30m  | box.com/podInitialInteractionTimestamp
            99999999999999999999 | 10m0s | 30m  | box.com/podInitialInteractionTimestamp
            9223372036854775807  | 10m0s | 30m  | box.com/podInitialInteractionTimestamp
            1634407604           | 10    | 30m  | box.com/podTTLDuration
            1634407604           | 10x   | 30m  | box.com/podTTLDuration
            1634407604           | ''    | 30m  | box.com/podTTLDuration
            1634407604           |       | 30m  | box.com/podTTLDuration
            1634407604           | 10m0s | 1d   | box.com/podExtendedDuration
            1634407604           | 10m0s | soon | box.com/podExtendedDuration
            1634407604           | 10m0s | ''   | box.com/podExtendedDuration
            """)
    void anUnreadableValueIsReportedNamingItsKey(String timestamp, String ttl, String extension, String key) {
        Map<String, String> labels = new HashMap<>();
        labels.put(KEYS.initialInteractionTimestamp(), timestamp);
        if (ttl != null) {
            labels.put(KEYS.ttlDuration(), ttl);
        }
        Map<String, String> annotations = Map.of(KEYS.extendedDuration(), extension);

        assertThatThrownBy(() -> InteractedPod.read(KEYS, labels, annotations))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }
}
