package io.kubeexec.pi;

/**
 * {@code KUBECTL_PI_TRACE=1}: prints how long each start-up phase took, to stderr. Start-up time is a feature of this
 * plugin, so the way to look at it ships with it.
 */
public final class Trace {

    private static final boolean ON = System.getenv("KUBECTL_PI_TRACE") != null;
    private static final long START = System.nanoTime();

    private Trace() {
    }

    public static void mark(String phase) {
        if (ON) {
            System.err.printf("[kubectl-pi] %7.1f ms  %s%n", (System.nanoTime() - START) / 1e6, phase);
        }
    }
}
