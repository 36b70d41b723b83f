package io.kubeexec.controller.decision;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which exec commands are {@code kubectl cp}. The original counts an exec of {@code tar} as cp; kubectl (1.20 and
 * 1.32, captured in src/test/resources/admission/kubectl-*) also sends two other shapes, counted as cp only when
 * they are exactly kubectl's:
 * <ul>
 * <li>{@code test -d <dest>}: copying into a pod first asks whether the destination is a directory. A user who
 * types {@code kubectl exec pod -- test -d /x} is recorded as cp too: the review is the same.</li>
 * <li>{@code sh -c "tar cf - <src> | tail -c+<n>"}: a copy out of a pod with {@code --retries} (kubectl 1.23+).
 * kubectl puts the path into the shell line unquoted, so a path holding shell syntax ({@code ;}, {@code $},
 * quotes...) makes it run more than tar: such a line stays an exec.</li>
 * </ul>
 */
public final class CopyCommand {

    private static final Pattern RETRYING_COPY_OUT =
            Pattern.compile("tar cf - [^;&|$`<>(){}\\\\'\"\\n\\r]+ \\| tail -c\\+[0-9]+");

    private CopyCommand() {
    }

    public static boolean isCopy(List<String> command) {
        if (command.isEmpty()) {
            return false;
        }
        String executable = command.get(0);
        if (executable.equals("tar") || executable.endsWith("/tar")) {
            return true;
        }
        if (command.size() != 3) {
            return false;
        }
        if (executable.equals("test")) {
            return command.get(1).equals("-d") && !command.get(2).isEmpty();
        }
        return executable.equals("sh") && command.get(1).equals("-c")
                && RETRYING_COPY_OUT.matcher(command.get(2)).matches();
    }
}
