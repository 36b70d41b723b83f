package io.kubeexec.pi;

import io.kubeexec.pi.kube.PodApi.PodMeta;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code kubectl pi get}: the interaction state of pods, as a table (the original's) or as JSON/YAML. */
final class GetCommand extends PodCommand {

    private GetCommand(Io io, KubectlPi.Flags flags) {
        super(io, flags);
    }

    static CommandSpec spec(Io io, KubectlPi.Flags flags) {
        CommandSpec spec = new GetCommand(io, flags)
                .register("get", "Show who interacted with pods, their TTL, extension and eviction time.");
        spec.addOption(OptionSpec.builder("-o", "--output").paramLabel("FORMAT").type(Output.class)
                .defaultValue("table").completionCandidates(List.of("table", "wide", "json", "yaml"))
                .description("Output format: table, wide, json or yaml; wide adds the namespace, the first "
                        + "interaction time, the number of recorded interactions and the last one; json and yaml "
                        + "list every recorded interaction")
                .build());
        return spec;
    }

    private Output output() {
        return spec.findOption("--output").getValue();
    }

    @Override
    void run(Pods api, String namespace, List<PodMeta> pods) {
        Output output = output();
        List<PodRow> rows = new ArrayList<>(pods.size());
        for (PodMeta pod : pods) {
            PodRow row = PodRow.of(pod, keys, output.showsHistory());
            if (row.historyProblem() != null) {
                warning(row);
            }
            rows.add(row);
        }
        if (rows.isEmpty() && (output == Output.table || output == Output.wide)) {
            return; // every named pod failed, and each said why
        }
        io.out().print(output.render(rows, flags.allNamespaces(), io.clock().instant()));
    }

    /**
     * A history annotation that cannot be read does not fail the command: the pod's state is still shown, and the
     * history is the controller's to repair (it replaces an unreadable list on the next interaction).
     */
    private void warning(PodRow row) {
        io.out().flush();
        String pod = "pod/" + row.name() + (flags.allNamespaces() ? " in namespace " + row.namespace() : "");
        io.err().println("Warning: " + pod + ": its " + keys.interactions()
                + " annotation cannot be read, so its history is not shown: " + row.historyProblem());
        io.err().flush();
    }

    @Override
    void noPods(String namespace) {
        Output output = output();
        if (output == Output.json || output == Output.yaml) {
            // scripts get an empty list
            io.out().print(output.render(List.of(), flags.allNamespaces(), io.clock().instant()));
        } else {
            super.noPods(namespace);
        }
    }
}
