package io.kubeexec.cluster;

import io.kubeexec.e2e.Command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real {@code kubectl exec}s into one pod, one after another on a thread of their own, until closed: what the
 * webhook allowed while something happened to the controller (a rolling restart, a certificate rotation), and what
 * each failed one said.
 */
final class SteadyExecs implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger allowed = new AtomicInteger();
    private final List<String> denied = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    private SteadyExecs(LocalCluster cluster, String namespace, String pod) {
        thread = new Thread(() -> {
            while (running.get()) {
                Command exec = cluster.kubectl(Duration.ofSeconds(30), "exec", "-n", namespace, pod, "--", "true");
                if (exec.exitCode() == 0) {
                    allowed.incrementAndGet();
                } else {
                    denied.add(Instant.now() + " " + exec.stderr().trim());
                }
            }
        }, "steady-execs");
        thread.start();
    }

    static SteadyExecs start(LocalCluster cluster, String namespace, String pod) {
        return new SteadyExecs(cluster, namespace, pod);
    }

    int allowed() {
        return allowed.get();
    }

    /** The failed execs, each with its time and kubectl's error. */
    List<String> denied() {
        synchronized (denied) {
            return List.copyOf(denied);
        }
    }

    /** Stops after the exec in progress. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
    }
}
