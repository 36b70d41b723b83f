package io.kubeexec.pi;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * Where a command reads and writes, how it reaches the cluster, what time it is and what the environment holds: the
 * process's, or a test's.
 */
public record Io(PrintWriter out, PrintWriter err, BufferedReader in, Connector connector, Clock clock,
        UnaryOperator<String> env) {

    public Io(PrintWriter out, PrintWriter err, BufferedReader in, Connector connector) {
        this(out, err, in, connector, Clock.systemUTC());
    }

    public Io(PrintWriter out, PrintWriter err, BufferedReader in, Connector connector, Clock clock) {
        this(out, err, in, connector, clock, System::getenv);
    }
}
