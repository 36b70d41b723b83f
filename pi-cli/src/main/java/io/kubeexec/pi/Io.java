package io.kubeexec.pi;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * Where a command reads and writes, how it reaches the cluster and what time it is: the process's streams and clock,
 * or a test's.
 */
public record Io(PrintWriter out, PrintWriter err, BufferedReader in, Connector connector, Clock clock) {

    public Io(PrintWriter out, PrintWriter err, BufferedReader in, Connector connector) {
        this(out, err, in, connector, Clock.systemUTC());
    }
}
