package io.kubeexec.pi;

import java.io.BufferedReader;
import java.io.PrintWriter;

/** Where a command reads and writes, and how it reaches the cluster: the process's streams, or a test's. */
public record Io(PrintWriter out, PrintWriter err, BufferedReader in, Connector connector) {
}
