package io.kubeexec.controller.decision;

import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.PodInteractions;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The second review of one exec (kubectl's WebSocket, then SPDY) is recognised; another exec is not. */
class RepeatedExecTest {

    private static final Instant T = Instant.parse("2026-12-07T23:20:57.264Z");
    private static final Interaction EXEC = exec("shop", "web-1", "alice", "web", List.of("ls", "/tmp"), T);

    private static Interaction exec(String namespace, String pod, String user, String container, List<String> command,
            Instant time) {
        return new Interaction(namespace, pod, user, List.of("devs"), InteractionKind.EXEC, container, command, time);
    }

    @ParameterizedTest(name = "{0}: repeat={2}")
    @CsvSource(delimiter = '|', textBlock = """
            kubectl's fallback 14 ms later, as measured, is the same exec          | 14    | true
            the same exec 2 s later, at the window, is the same exec               | 2000  | true
            the same exec 2.001 s later, past the window, is another exec          | 2001  | false
            the same exec seen by this replica after its fallback (clocks apart)   | -300  | true
            the same exec a minute later is another exec                           | 60000 | false
            """)
    void theSameExecWithinTheWindowIsARepeat(String behaviour, long laterMillis, boolean repeat) {
        Interaction later = exec("shop", "web-1", "alice", "web", List.of("ls", "/tmp"), T.plusMillis(laterMillis));

        assertThat(RepeatedExec.repeats(later, EXEC)).isEqualTo(repeat);
    }

    @Test
    void anExecThatDiffersInAnythingButItsTimeIsAnotherExec() {
        Instant soon = T.plusMillis(14);
        assertThat(RepeatedExec.repeats(exec("shop", "web-1", "bob", "web", List.of("ls", "/tmp"), soon), EXEC))
                .as("another user").isFalse();
        assertThat(RepeatedExec.repeats(exec("shop", "web-2", "alice", "web", List.of("ls", "/tmp"), soon), EXEC))
                .as("another pod").isFalse();
        assertThat(RepeatedExec.repeats(exec("shop2", "web-1", "alice", "web", List.of("ls", "/tmp"), soon), EXEC))
                .as("the same pod name in another namespace").isFalse();
        assertThat(RepeatedExec.repeats(exec("shop", "web-1", "alice", "sidecar", List.of("ls", "/tmp"), soon), EXEC))
                .as("another container").isFalse();
        assertThat(RepeatedExec.repeats(exec("shop", "web-1", "alice", "web", List.of("ls", "/"), soon), EXEC))
                .as("another command").isFalse();
        assertThat(RepeatedExec.repeats(new Interaction("shop", "web-1", "alice", List.of("devs"),
                InteractionKind.ATTACH, "web", List.of("ls", "/tmp"), soon), EXEC)).as("another kind").isFalse();
    }

    @ParameterizedTest(name = "{0}: repeat={2}")
    @CsvSource(delimiter = '|', textBlock = """
            recorded in the same second by another replica, it is a repeat                   | 2026-12-07T23:20:57Z | true
            recorded the second after (the exec just before a second's end), it is a repeat  | 2026-12-07T23:20:58Z | true
            recorded 2 s after, at the window to the second, it is a repeat                 | 2026-12-07T23:20:59Z | true
            recorded 3 s after, past the window, it is another exec                          | 2026-12-07T23:21:00Z | false
            recorded 2 s before, at the window to the second, it is a repeat                | 2026-12-07T23:20:55Z | true
            recorded 3 s before, past the window, it is another exec                         | 2026-12-07T23:20:54Z | false
            """)
    void theHistoryIsComparedToTheSecondItKeeps(String behaviour, Instant recorded, boolean repeat) {
        List<PodInteractions.Entry> history = List.of(entry("alice", "exec", "web", List.of("ls", "/tmp"), recorded));

        assertThat(RepeatedExec.repeated(history, EXEC).isPresent()).isEqualTo(repeat);
    }

    @Test
    void anyEntryOfTheHistoryCountsNotOnlyTheLastSinceAnotherReplicaMayHaveRecordedBetween() {
        Instant second = Instant.parse("2026-12-07T23:20:57Z");
        PodInteractions.Entry same = entry("alice", "exec", "web", List.of("ls", "/tmp"), second);
        List<PodInteractions.Entry> history = List.of(entry("alice", "exec", "web", List.of("ls", "/tmp"),
                second.minus(Duration.ofMinutes(5))), same, entry("bob", "exec", "web", List.of("sh"), second));

        assertThat(RepeatedExec.repeated(history, EXEC)).contains(same);
    }

    @Test
    void anEntryThatDiffersOrCannotBeReadIsNoRepeat() {
        Instant second = Instant.parse("2026-12-07T23:20:57Z");
        List<PodInteractions.Entry> history = List.of(
                entry("bob", "exec", "web", List.of("ls", "/tmp"), second),
                entry("alice", "cp", "web", List.of("ls", "/tmp"), second),
                entry("alice", "exec", "sidecar", List.of("ls", "/tmp"), second),
                entry("alice", "exec", "web", List.of("ls"), second),
                new PodInteractions.Entry("alice", List.of(), "exec", "web", List.of("ls", "/tmp"), "yesterday"),
                new PodInteractions.Entry(null, List.of(), null, null, List.of(), null));

        assertThat(RepeatedExec.repeated(history, EXEC)).isEmpty();
        assertThat(RepeatedExec.repeated(List.of(), EXEC)).isEmpty();
    }

    private static PodInteractions.Entry entry(String user, String kind, String container, List<String> command,
            Instant time) {
        return new PodInteractions.Entry(user, List.of("devs"), kind, container, command, GoTime.format(time));
    }
}
