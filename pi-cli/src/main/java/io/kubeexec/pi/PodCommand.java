package io.kubeexec.pi;

import io.kubeexec.contract.PodKeys;
import io.kubeexec.pi.kube.KubeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code get} and {@code extend} share: the pod selection. Named pods are fetched one by one, and a pod that
 * cannot be fetched is reported on stderr without stopping the others; no names (or {@code --all}) means every pod
 * of the namespace, and {@code -A} every pod of every namespace; {@code -l} keeps those its label selector matches.
 */
abstract class PodCommand implements Callable<Integer> {

    final Io io;
    final KubectlPi.Flags flags;
    /** Set from the flags before any request. */
    PodKeys keys;
    CommandSpec spec;
    boolean failed;

    PodCommand(Io io, KubectlPi.Flags flags) {
        this.io = io;
        this.flags = flags;
    }

    /** Registers the command's own flags on its spec. */
    CommandSpec register(String name, String description) {
        spec = KubectlPi.command(name, this);
        spec.usageMessage().description(description);
        spec.addPositional(KubectlPi.podNames());
        return spec;
    }

    List<String> names() {
        List<String> names = spec.positionalParameters().get(0).getValue();
        return names == null ? List.of() : names;
    }

    /** Connects and runs; 0 when everything succeeded, 1 when anything failed. */
    @Override
    public Integer call() {
        validate();
        try (Connector.Connection connection = io.connector().connect(flags.connection())) {
            String namespace = connection.namespace();
            if (watching()) {
                watch(connection.pods(), namespace);
                return failed ? 1 : 0;
            }
            List<PodMeta> pods = select(connection.pods(), namespace);
            Trace.mark("pods fetched");
            if (pods != null) {
                run(connection.pods(), namespace, pods);
            }
        }
        return failed ? 1 : 0;
    }

    /** Checks flags before any request; throws with the user-facing message. */
    void validate() {
        keys = flags.keys(io.env());
        if (flags.allNamespaces() && !flags.all() && !names().isEmpty()) {
            throw new IllegalArgumentException(
                    "a resource cannot be retrieved by name across all namespaces; drop -A or the pod names");
        }
        if (flags.selector() != null && !names().isEmpty() && !flags.all()) {
            throw new IllegalArgumentException("name cannot be provided when a selector is specified");
        }
    }

    abstract void run(Pods api, String namespace, List<PodMeta> pods);

    /** Whether the command follows changes ({@code get -w}) rather than acting once. */
    boolean watching() {
        return false;
    }

    /** Follows changes; only called when {@link #watching()} says so, which only {@code get -w} does. */
    void watch(Pods api, String namespace) {
        throw new IllegalStateException(getClass().getSimpleName() + " does not watch");
    }

    /** The selected pods, or null when nothing could be listed (the error is already reported). */
    private List<PodMeta> select(Pods api, String namespace) {
        List<String> names = names();
        if (flags.all() || flags.allNamespaces() || names.isEmpty()) {
            List<PodMeta> pods = api.list(flags.allNamespaces() ? null : namespace, flags.selector());
            if (pods.isEmpty()) {
                noPods(namespace);
                return null;
            }
            return pods;
        }
        List<PodMeta> pods = new ArrayList<>();
        for (String name : names) {
            try {
                pods.add(api.get(namespace, name));
            } catch (KubeException e) {
                if (e.status() == 0) {
                    throw e; // the server cannot be reached: the next pods would fail the same way
                }
                error(e.getMessage());
            }
        }
        return pods;
    }

    /** The original's message for an empty namespace; an error, as it was. */
    void noPods(String namespace) {
        error(flags.allNamespaces() ? "no pods returned under any namespace"
                : "no pods returned under the namespace '" + namespace + "'");
    }

    void error(String message) {
        io.out().flush();
        io.err().println("Error: " + message);
        io.err().flush();
        failed = true;
    }
}
