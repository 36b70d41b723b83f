package io.kubeexec.pi;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code kubectl pi completion bash|zsh} prints a completion script for the {@code kubectl-pi} executable.
 * {@code kubectl-pi __complete WORD... PARTIAL}: completion as kubectl asks plugins for it since 1.26, through the
 * {@code kubectl_complete-pi} executable next to the plugin. This is cobra's protocol, which kubectl speaks: one
 * candidate a line, then {@code :DIRECTIVE} (4: no file names; 0: the shell's default, file names). Commands, flags,
 * {@code -o} formats, namespaces after {@code -n}, and pod names of the selected namespace after get/extend.
 */
final class Complete {

    private static final int NO_FILES = 4;
    private static final int FILES = 0;

    private Complete() {
    }

    static CommandSpec command(Io io) {
        CommandSpec[] spec = new CommandSpec[1];
        spec[0] = KubectlPi.command("completion", () -> {
            String shell = spec[0].positionalParameters().get(0).getValue();
            if (!shell.equals("bash") && !shell.equals("zsh")) {
                throw new CommandLine.ParameterException(spec[0].commandLine(), "unsupported shell: " + shell);
            }
            io.out().print(AutoComplete.bash("kubectl-pi", spec[0].root().commandLine()));
            return 0;
        });
        spec[0].usageMessage().description("Print a bash/zsh completion script for kubectl-pi.",
                "Load it with: source <(kubectl pi completion bash)");
        spec[0].addPositional(PositionalParamSpec.builder().arity("0..1").paramLabel("SHELL").type(String.class)
                .defaultValue("bash").completionCandidates(List.of("bash", "zsh"))
                .description("bash (zsh reads it too, after bashcompinit)").build());
        return spec[0];
    }

    static int run(List<String> words, Io io) {
        List<String> before = words.isEmpty() ? List.of() : words.subList(0, words.size() - 1);
        String partial = words.isEmpty() ? "" : words.get(words.size() - 1);
        CommandLine cl = KubectlPi.commandLine(io, new String[0]);
        CommandSpec command = cl.getCommandSpec();
        OptionSpec valueOf = null;
        for (int i = 0; i < before.size(); i++) {
            String w = before.get(i);
            OptionSpec option = w.startsWith("-") && !w.contains("=") ? command.findOption(w) : null;
            if (option != null && option.arity().min() > 0) {
                i++; // its value
                valueOf = i == before.size() ? option : null;
            } else if (!w.startsWith("-") && command.subcommands().containsKey(w.toLowerCase())) {
                command = command.subcommands().get(w.toLowerCase()).getCommandSpec();
            }
        }
        List<String> candidates = new ArrayList<>();
        int directive = NO_FILES;
        if (valueOf != null) {
            if (valueOf.longestName().equals("--namespace")) {
                List<String> flags = before.subList(0, before.size() - 1); // without the -n waiting for its value
                candidates.addAll(ask(cl, flags, io, (pods, ns) -> pods.namespaces()));
            } else if (valueOf.completionCandidates() != null) {
                valueOf.completionCandidates().forEach(candidates::add);
            } else if (valueOf.paramLabel().equals("FILE")) {
                directive = FILES;
            }
        } else if (partial.startsWith("-")) {
            for (OptionSpec option : command.options()) {
                if (!option.hidden()) {
                    candidates.addAll(List.of(option.names()));
                }
            }
        } else if (command.parent() == null) {
            candidates.addAll(command.subcommands().keySet());
        } else if (command.name().equals("completion")) {
            candidates.addAll(List.of("bash", "zsh"));
        } else {
            candidates.addAll(ask(cl, before, io, (pods, ns) -> pods.list(ns, null).stream().map(PodMeta::name)
                    .toList()));
        }
        candidates.stream().filter(c -> c.startsWith(partial)).forEach(io.out()::println);
        io.out().println(":" + directive);
        return 0;
    }

    /**
     * Asks the cluster with the words' own connection flags (-n, --context, --kubeconfig...), parsed by the command
     * line the completion walked, as the command would use them. A completion that cannot reach the cluster offers nothing rather than an error in the middle of a line.
     */
    private static List<String> ask(CommandLine cl, List<String> words, Io io,
            BiFunction<Pods, String, List<String>> query) {
        try {
            cl.parseArgs(words.toArray(new String[0]));
            try (Io.Connection c = io.connector().apply(new KubectlPi.Flags(cl.getCommandSpec()).connection())) {
                return query.apply(c.pods(), c.namespace());
            }
        } catch (RuntimeException e) {
            if (System.getenv("KUBECTL_PI_TRACE") != null) {
                System.err.println("[kubectl-pi] completion: " + e);
            }
            return List.of();
        }
    }
}
