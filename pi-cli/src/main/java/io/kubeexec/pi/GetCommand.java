package io.kubeexec.pi;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code kubectl pi get}: the interaction state of pods, as a table (the original's), JSON, YAML or kubectl's -o. */
final class GetCommand extends PodCommand {

    private Printer printer;

    private GetCommand(Io io, KubectlPi.Flags flags) {
        super(io, flags, "get", "Show who interacted with pods, their TTL, extension and eviction time.");
    }

    static CommandSpec spec(Io io, KubectlPi.Flags flags) {
        CommandSpec spec = new GetCommand(io, flags).spec;
        spec.addOption(OptionSpec.builder("-o", "--output").paramLabel("FORMAT").type(String.class)
                .defaultValue("table").completionCandidates(List.of("table", "wide", "json", "yaml", "name",
                        "jsonpath=", "custom-columns="))
                .description("Output format: table, wide, json, yaml, name, jsonpath=TEMPLATE or "
                        + "custom-columns=HEADER:PATH,...; wide adds the namespace, the first interaction time, the "
                        + "number of recorded interactions and the last one; json and yaml list every recorded "
                        + "interaction, and the paths of jsonpath and custom-columns read that form (.name, "
                        + ".interactor, .interactions[*].user...)")
                .build());
        KubectlPi.flag(spec, "Print the table without its header line", false, "--no-headers");
        KubectlPi.flag(spec, "After listing the pods, print each change to them as it happens (until Ctrl-C or the "
                + "end of the server's watch)", false, "-w", "--watch");
        return spec;
    }

    @Override
    void validate() {
        super.validate();
        printer = Printer.parse(spec.findOption("--output").getValue());
    }

    /**
     * The pods, or with {@code -w} the pods as they are, then every change, one row (or object) each, printed as it
     * arrives; the table's header once. Named pods are picked out of the namespace's events.
     */
    @Override
    void run(Pods api, String namespace) {
        boolean[] headers = {!Boolean.TRUE.equals(spec.findOption("--no-headers").getValue())};
        if (Boolean.TRUE.equals(spec.findOption("--watch").getValue())) {
            Set<String> names = Set.copyOf(names());
            api.watch(flags.bool("--all-namespaces") ? null : namespace, flags.selector(), (type, pod) -> {
                if (names.isEmpty() || names.contains(pod.name())) {
                    print(List.of(row(pod)), headers[0]);
                    headers[0] = false;
                    io.out().flush();
                }
            });
            return;
        }
        List<PodMeta> pods = select(api, namespace);
        if (!pods.isEmpty() || printer.isDocument()) { // scripts get an empty list; for a table, errors said why
            List<PodRow> rows = new ArrayList<>(pods.size());
            for (PodMeta pod : pods) {
                rows.add(row(pod));
            }
            print(rows, headers[0]);
        }
    }

    private void print(List<PodRow> rows, boolean headers) {
        io.out().print(printer.render(rows, flags.bool("--all-namespaces"), io.clock().instant(), headers));
    }

    /**
     * A history annotation that cannot be read does not fail the command: the pod's state is still shown, and the
     * history is the controller's to repair (it replaces an unreadable list on the next interaction).
     */
    private PodRow row(PodMeta pod) {
        PodRow row = PodRow.of(pod, keys, printer.showsHistory());
        if (row.historyProblem() != null) {
            io.out().flush();
            io.err().println("Warning: pod/" + row.name() + (flags.bool("--all-namespaces") ? " in namespace "
                    + row.namespace() : "") + ": its " + keys.interactions()
                    + " annotation cannot be read, so its history is not shown: " + row.historyProblem());
            io.err().flush();
        }
        return row;
    }

    @Override
    void noPods(String namespace) {
        if (!printer.isDocument()) { // scripts get an empty list instead
            super.noPods(namespace);
        }
    }
}
