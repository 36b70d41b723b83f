package io.kubeexec.controller.decision;

import io.kubeexec.controller.work.InteractionKind;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether an exec ran only a harmless program (-harmless-commands, and the podHarmlessCommands annotation of the pod
 * or its namespace, which add to it): recorded in the history, but no TTL, and the pod does not become evictable.
 * The command's first word must equal a listed name exactly ({@code ls} does not cover {@code /bin/ls}: list both),
 * so nothing that interprets text is ever involved. A shell is never harmless: {@code sh -c 'cat x'} can run
 * anything and redirect anywhere, so listing one is refused. A program that runs others ({@code env},
 * {@code xargs}, {@code nice}...) counts only without arguments: {@code env} prints, {@code env sh} is a shell.
 * attach, cp, port-forward and debug are never harmless.
 */
public final class HarmlessCommand {

    /** Programs that read commands from text: a listed shell would make every command harmless. */
    static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh",
            "fish", "busybox", "toybox");
    /** Programs whose arguments are another program to run: harmless only on their own. */
    static final Set<String> LAUNCHERS = Set.of("env", "xargs", "nice", "nohup", "timeout", "watch", "sudo", "su",
            "chroot", "stdbuf", "setsid", "time", "command", "exec", "nsenter", "unshare", "flock", "ionice",
            "taskset", "strace", "script", "find");

    private final Set<String> flagged;
    private final String annotation;

    /** {@code flagged}: -harmless-commands; {@code annotation}: the key read on the pod and its namespace. */
    public HarmlessCommand(Set<String> flagged, String annotation) {
        refuseShells(flagged, "-harmless-commands");
        this.flagged = Set.copyOf(flagged);
        this.annotation = annotation;
    }

    /**
     * Where the command is listed as harmless ("-harmless-commands", "the pod annotation ...", "the namespace
     * annotation ..."), or empty when the interaction counts as usual. A shell named in an annotation is ignored.
     */
    public Optional<String> reason(InteractionKind kind, List<String> command, Map<String, String> podAnnotations,
            Map<String, String> namespaceAnnotations) {
        if (kind != InteractionKind.EXEC || command.isEmpty()) {
            return Optional.empty(); // an attach has no command of its own: it reaches whatever the container runs
        }
        String program = command.get(0);
        if (isShell(program) || (LAUNCHERS.contains(basename(program)) && command.size() > 1)) {
            return Optional.empty();
        }
        if (flagged.contains(program)) {
            return Optional.of("-harmless-commands");
        }
        if (names(podAnnotations.get(annotation)).contains(program)) {
            return Optional.of("the pod annotation " + annotation);
        }
        if (names(namespaceAnnotations.get(annotation)).contains(program)) {
            return Optional.of("the namespace annotation " + annotation);
        }
        return Optional.empty();
    }

    /** The names of a comma-separated list, trimmed, without empties. */
    public static Set<String> names(String list) {
        if (list == null) {
            return Set.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Throws IllegalArgumentException naming the shells listed, if any. */
    public static void refuseShells(Set<String> names, String where) {
        List<String> shells = names.stream().filter(HarmlessCommand::isShell).sorted().toList();
        if (!shells.isEmpty()) {
            throw new IllegalArgumentException(where + " lists " + String.join(", ", shells) + ": a shell is never "
                    + "harmless, since it can run any command and redirect its output anywhere");
        }
    }

    private static boolean isShell(String program) {
        return SHELLS.contains(basename(program));
    }

    private static String basename(String program) {
        return program.substring(program.lastIndexOf('/') + 1);
    }
}
