package io.kubeexec.pi;

import io.kubeexec.contract.PodKeys;
import io.kubeexec.pi.kube.KubeException;
import io.kubeexec.pi.kube.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What {@code get} and {@code extend} share: the pod selection. Named pods are fetched one by one, and a pod that
 * cannot be fetched is reported on stderr without stopping the others; no names (or {@code --all}) means every pod
 * of the namespace, and {@code -A} every pod of every namespace; {@code -l} keeps those its label selector matches.
 */
abstract class PodCommand implements Callable<Integer> {

    final Io io;
    final KubectlPi.Flags flags;
    final CommandSpec spec;
    /** Set from the flags before any request. */
    PodKeys keys;
    boolean failed;

    PodCommand(Io io, KubectlPi.Flags flags, String name, String description) {
        this.io = io;
        this.flags = flags;
        spec = KubectlPi.command(name, this);
        spec.usageMessage().description(description);
        spec.addPositional(PositionalParamSpec.builder().arity("0..*").paramLabel("POD").type(List.class)
                .auxiliaryTypes(String.class).description("Pod names; none means all pods of the namespace").build());
    }

    List<String> names() {
        List<String> names = spec.positionalParameters().get(0).getValue();
        return names == null ? List.of() : names;
    }

    /** Connects and runs; 0 when everything succeeded, 1 when anything failed. */
    @Override
    public Integer call() {
        validate();
        try (Io.Connection connection = io.connector().apply(flags.connection())) {
            run(connection.pods(), connection.namespace());
        }
        return failed ? 1 : 0;
    }

    /** Checks flags before any request; throws with the user-facing message. */
    void validate() {
        keys = flags.keys(io.env());
        if (flags.bool("--all-namespaces") && !flags.bool("--all") && !names().isEmpty()) {
            throw new IllegalArgumentException(
                    "a resource cannot be retrieved by name across all namespaces; drop -A or the pod names");
        }
        if (flags.selector() != null && !names().isEmpty() && !flags.bool("--all")) {
            throw new IllegalArgumentException("name cannot be provided when a selector is specified");
        }
    }

    abstract void run(Pods api, String namespace);

    /** The selected pods; those that could not be fetched, or an empty namespace, are reported. */
    List<PodMeta> select(Pods api, String namespace) {
        List<String> names = names();
        List<PodMeta> pods = new ArrayList<>();
        if (flags.bool("--all") || flags.bool("--all-namespaces") || names.isEmpty()) {
            pods = api.list(flags.bool("--all-namespaces") ? null : namespace, flags.selector());
            if (pods.isEmpty()) {
                noPods(namespace);
            }
        } else {
            for (String name : names) {
                try {
                    pods.add(api.get(namespace, name));
                } catch (KubeException e) {
                    refused(e);
                }
            }
        }
        Trace.mark("pods fetched");
        return pods;
    }

    /** The original's message for an empty namespace; an error, as it was. */
    void noPods(String namespace) {
        error(flags.bool("--all-namespaces") ? "no pods returned under any namespace"
                : "no pods returned under the namespace '" + namespace + "'");
    }

    /** A pod the server refuses is reported; a server that cannot be reached ends the command (status 0). */
    void refused(KubeException e) {
        if (e.status() == 0) {
            throw e; // the next pods would fail the same way
        }
        error(e.getMessage());
    }

    void error(String message) {
        io.out().flush();
        io.err().println("Error: " + message);
        io.err().flush();
        failed = true;
    }
}
