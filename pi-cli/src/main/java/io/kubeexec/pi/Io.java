package io.kubeexec.pi;

import io.kubeexec.pi.kube.ApiClient;
import io.kubeexec.pi.kube.ClientConfig;
import io.kubeexec.pi.kube.ConnectionFlags;
import io.kubeexec.pi.kube.KubeConfigLoader;
import io.kubeexec.pi.kube.Trace;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where a command reads and writes, how it reaches the cluster, what time it is and what the environment holds: the
 * process's, or a test's.
 */
public record Io(PrintWriter out, PrintWriter err, BufferedReader in, Function<ConnectionFlags, Connection> connector,
        Clock clock, UnaryOperator<String> env) {

    /** The process's: kubeconfig files, flags and environment, then HTTPS to the API server, as kubectl would. */
    public Io(PrintWriter out, PrintWriter err, BufferedReader in) {
        this(out, err, in, Io::connect, Clock.systemUTC(), System::getenv);
    }

    /** The namespace the flags and kubeconfig select, and the pods API; closed when the command ends. */
    public record Connection(String namespace, Pods pods, Runnable onClose) implements AutoCloseable {
        @Override
        public void close() {
            onClose.run();
        }
    }

    private static Connection connect(ConnectionFlags flags) {
        Trace.mark("arguments parsed");
        ClientConfig config = KubeConfigLoader.system().load(flags);
        Trace.mark("kubeconfig loaded");
        ApiClient client = new ApiClient(config, System::getenv, System.console() != null);
        return new Connection(config.namespace(), new PodApi(client), client::close);
    }
}
