package io.kubeexec.pi.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code KUBECTL_PI_TRACE=1}: records when each start-up phase ended and prints the list to stderr at exit. Start-up
 * time is a feature of this plugin, so the way to look at it ships with it. Marks are only stored while running,
 * so that tracing does not distort what it measures.
 */
public final class Trace {

    private static final boolean ON = System.getenv("KUBECTL_PI_TRACE") != null;
    private static final long START = System.nanoTime();
    private static final List<Object[]> MARKS = ON ? new ArrayList<>() : null;

    private Trace() {
    }

    public static void mark(String phase) {
        if (ON) {
            long now = System.nanoTime();
            synchronized (MARKS) {
                MARKS.add(new Object[] {now, phase, Thread.currentThread().getName()});
            }
        }
    }

    /** Prints the marks, in milliseconds since the main class was initialised. */
    public static void print() {
        if (!ON) {
            return;
        }
        synchronized (MARKS) {
            for (Object[] m : MARKS) {
                long micros = ((Long) m[0] - START) / 1000;
                System.err.println("[kubectl-pi] " + micros / 1000 + "." + (micros % 1000) / 100 + " ms  " + m[1]
                        + ("main".equals(m[2]) ? "" : "  (" + m[2] + ")"));
            }
            MARKS.clear();
        }
    }
}
