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
                .description("Output format: table, wide, json or yaml; wide adds the namespace and the first "
                        + "interaction time")
                .build());
        return spec;
    }

    private Output output() {
        return spec.findOption("--output").getValue();
    }

    @Override
    void run(Pods api, String namespace, List<PodMeta> pods) {
        List<PodRow> rows = new ArrayList<>(pods.size());
        for (PodMeta pod : pods) {
            rows.add(PodRow.of(pod, keys));
        }
        Output output = output();
        if (rows.isEmpty() && (output == Output.table || output == Output.wide)) {
            return; // every named pod failed, and each said why
        }
        io.out().print(output.render(rows, flags.allNamespaces()));
    }

    @Override
    void noPods(String namespace) {
        Output output = output();
        if (output == Output.json || output == Output.yaml) {
            io.out().print(output.render(List.of(), flags.allNamespaces())); // scripts get an empty list
        } else {
            super.noPods(namespace);
        }
    }
}
