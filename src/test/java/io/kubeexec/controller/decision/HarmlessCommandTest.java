package io.kubeexec.controller.decision;

import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Harmless commands: a listed program run directly sets no TTL; a shell, a launcher with arguments, attach and cp
 * never are. The pod's and the namespace's annotation add to -harmless-commands.
 */
class HarmlessCommandTest {

    private static final String KEY = "box.com/podHarmlessCommands";
    private static final HarmlessCommand HARMLESS = new HarmlessCommand(Set.of("ls", "cat", "env", "ps", "df",
            "/bin/ls", "find"), KEY);

    @ParameterizedTest(name = "{0} of \"{1}\" (pod lists \"{2}\", namespace \"{3}\") -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            EXEC   | ls                    | -      | -     | -harmless-commands
            EXEC   | ls -la /etc           | -      | -     | -harmless-commands
            EXEC   | cat /etc/hostname     | -      | -     | -harmless-commands
            EXEC   | /bin/ls /             | -      | -     | -harmless-commands
            EXEC   | /usr/bin/ls /         | -      | -     | -
            EXEC   | ./ls                  | -      | -     | -
            EXEC   | LS                    | -      | -     | -
            EXEC   | rm -rf /              | -      | -     | -
            EXEC   | sh -c cat x           | -      | -     | -
            EXEC   | sh                    | sh     | sh    | -
            EXEC   | /bin/bash -c ls       | bash   | -     | -
            EXEC   | busybox ls            | busybox| -     | -
            EXEC   | env                   | -      | -     | -harmless-commands
            EXEC   | env sh -c id          | -      | -     | -
            EXEC   | find                  | -      | -     | -harmless-commands
            EXEC   | find / -delete        | -      | -     | -
            EXEC   | top -b -n1            | top    | -     | the pod annotation box.com/podHarmlessCommands
            EXEC   | top -b -n1            | -      | top   | the namespace annotation box.com/podHarmlessCommands
            EXEC   | top -b -n1            | ' du , top ' | - | the pod annotation box.com/podHarmlessCommands
            EXEC   | top -b -n1            | du     | -     | -
            EXEC   | ls                    | top    | du    | -harmless-commands
            ATTACH | -                     | -      | -     | -
            CP     | tar cf - /tmp         | tar    | tar   | -
            EXEC   | -                     | -      | -     | -
            """)
    void onlyAListedProgramRunDirectlyIsHarmless(InteractionKind kind, String command, String pod, String namespace,
            String listedBy) {
        assertThat(HARMLESS.reason(kind, words(command), annotation(pod), annotation(namespace)).orElse(null))
                .isEqualTo(listedBy);
    }

    @Test
    void withNothingListedNothingIsHarmless() {
        HarmlessCommand none = new HarmlessCommand(Set.of(), KEY);

        assertThat(none.reason(InteractionKind.EXEC, List.of("ls"), Map.of(), Map.of())).isEmpty();
    }

    @Test
    void aShellListedInTheFlagIsRefusedByName() {
        assertThatThrownBy(() -> new HarmlessCommand(Set.of("ls", "bash", "/bin/sh"), KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-harmless-commands lists /bin/sh, bash: a shell is never harmless, since it can run any "
                        + "command and redirect its output anywhere");
    }

    private static List<String> words(String command) {
        return command == null ? List.of() : Arrays.asList(command.split(" "));
    }

    private static Map<String, String> annotation(String value) {
        return value == null ? Map.of("app", "demo") : Map.of("app", "demo", KEY, value);
    }
}
