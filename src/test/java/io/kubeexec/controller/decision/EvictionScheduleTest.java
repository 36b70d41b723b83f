package io.kubeexec.controller.decision;

import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.decision.EvictionSchedule.Decision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether an interacted pod is due, and whether the scan may evict it, from the state on the pod alone. */
class EvictionScheduleTest {

    private static final PodKeys KEYS = PodKeys.DEFAULT;

    /** Interacted at 2021-10-16 18:06:44 UTC with the given TTL and extension: due at the sum. */
    private static InteractedPod pod(String ttl, String extension) {
        Map<String, String> labels = Map.of(KEYS.initialInteractionTimestamp(), "1634407604", KEYS.ttlDuration(), ttl);
        Map<String, String> annotations = extension == null ? Map.of() : Map.of(KEYS.extendedDuration(), extension);
        return InteractedPod.read(KEYS, labels, annotations).orElseThrow();
    }

    @ParameterizedTest(name = "TTL {0}, extension {1}, at {2}: dry-run={3}, evict-bare-pods={4}, owned={5} -> {6}")
    @CsvSource(delimiter = '|', textBlock = """
            10m0s | -     | 2021-10-16T18:06:44Z           | false | false | true  | WAIT
            10m0s | -     | 2021-10-16T18:16:43.999999999Z | false | false | true  | WAIT
            10m0s | -     | 2021-10-16T18:16:44Z           | false | false | true  | EVICT
            10m0s | -     | 2021-10-16T18:16:45Z           | false | false | true  | EVICT
            10m0s | -     | 2030-01-01T00:00:00Z           | false | false | true  | EVICT
            0s    | -     | 2021-10-16T18:06:44Z           | false | false | true  | EVICT
            10m0s | 30m   | 2021-10-16T18:16:44Z           | false | false | true  | WAIT
            10m0s | 30m   | 2021-10-16T18:46:43Z           | false | false | true  | WAIT
            10m0s | 30m   | 2021-10-16T18:46:44Z           | false | false | true  | EVICT
            10m0s | -     | 2021-10-16T18:16:43Z           | true  | false | true  | WAIT
            10m0s | -     | 2021-10-16T18:16:44Z           | true  | false | true  | SKIP_DRY_RUN
            10m0s | -     | 2021-10-16T18:16:44Z           | true  | true  | false | SKIP_DRY_RUN
            10m0s | -     | 2021-10-16T18:16:43Z           | false | false | false | WAIT
            10m0s | -     | 2021-10-16T18:16:44Z           | false | false | false | SKIP_BARE_POD
            10m0s | -     | 2021-10-16T18:16:44Z           | false | true  | false | EVICT
            10m0s | -     | 2021-10-16T18:16:44Z           | false | true  | true  | EVICT
            """)
    void decidesFromTheDueTimeAndThePolicy(String ttl, String extension, Instant now, boolean dryRun,
            boolean evictBarePods, boolean hasOwner, Decision expected) {
        InteractedPod pod = pod(ttl, extension.equals("-") ? null : extension);

        assertThat(new EvictionSchedule(dryRun, evictBarePods).decide(pod, hasOwner, now)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ns left is announced as about {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0               | 0s
            1               | 0s
            499999999       | 0s
            500000000       | 1s
            999999999       | 1s
            1499999999      | 1s
            1500000000      | 2s
            2500000000      | 3s
            599999999999    | 10m0s
            600000000000    | 10m0s
            600499999999    | 10m0s
            600500000000    | 10m1s
            -1              | 0s
            -499999999      | 0s
            -500000000      | -1s
            -1500000000     | -2s
            -2500000000     | -3s
            """)
    void roundsTheTimeLeftToSecondsHalfAwayFromZeroAsGo(long nanos, String expected) {
        assertThat(GoDuration.format(EvictionSchedule.roundedToSeconds(Duration.ofNanos(nanos)))).isEqualTo(expected);
    }
}
