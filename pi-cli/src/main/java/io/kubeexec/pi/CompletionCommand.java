package io.kubeexec.pi;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code kubectl pi completion bash|zsh}: prints a completion script for the {@code kubectl-pi} executable. */
final class CompletionCommand implements Callable<Integer> {

    private final Io io;
    private CommandSpec spec;

    private CompletionCommand(Io io) {
        this.io = io;
    }

    static CommandSpec spec(Io io) {
        CompletionCommand command = new CompletionCommand(io);
        CommandSpec spec = KubectlPi.command("completion", command);
        spec.usageMessage().description("Print a bash/zsh completion script for kubectl-pi.",
                "Load it with: source <(kubectl pi completion bash)");
        spec.addPositional(PositionalParamSpec.builder().arity("0..1").paramLabel("SHELL").type(String.class)
                .defaultValue("bash").completionCandidates(List.of("bash", "zsh"))
                .description("bash (zsh reads it too, after bashcompinit)").build());
        command.spec = spec;
        return spec;
    }

    @Override
    public Integer call() {
        String shell = spec.positionalParameters().get(0).getValue();
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unsupported shell: " + shell);
        }
        io.out().print(AutoComplete.bash("kubectl-pi", spec.root().commandLine()));
        return 0;
    }
}
