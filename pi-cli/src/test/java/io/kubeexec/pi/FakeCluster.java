package io.kubeexec.pi;

import io.kubeexec.pi.kube.ConnectionFlags;
import io.kubeexec.pi.kube.KubeException;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory cluster for the command tests: pods by namespace, and a record of every patch. */
final class FakeCluster implements Pods {

    final Map<String, PodMeta> pods = new LinkedHashMap<>();
    final List<String> patches = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    String namespace = "default";
    ConnectionFlags lastFlags;
    KubeException patchFailure;
    /** Five minutes after the last interaction in GetOutputTest's history. */
    Clock clock = Clock.fixed(Instant.parse("2021-10-16T18:20:00Z"), ZoneOffset.UTC);
    /** The plugin's environment: empty unless a test sets a variable. */
    final Map<String, String> env = new LinkedHashMap<>();

    FakeCluster pod(String namespace, String name, Map<String, String> labels, Map<String, String> annotations) {
        pods.put(namespace + "/" + name, new PodMeta(namespace, name, new LinkedHashMap<>(labels),
                new LinkedHashMap<>(annotations)));
        return this;
    }

    @Override
    public PodMeta get(String namespace, String name) {
        calls.add("get " + namespace + "/" + name);
        PodMeta pod = pods.get(namespace + "/" + name);
        if (pod == null) {
            throw new KubeException("pods \"" + name + "\" not found", 404, null);
        }
        return pod;
    }

    @Override
    public List<PodMeta> list(String namespace, String selector) {
        calls.add("list " + (namespace == null ? "*" : namespace) + (selector == null ? "" : " -l " + selector));
        List<PodMeta> out = new ArrayList<>();
        for (PodMeta p : pods.values()) {
            if ((namespace == null || p.namespace().equals(namespace)) && matches(selector, p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Equality selectors only ({@code a=b,c=d}); the real API server's are tested through kubectl. */
    private static boolean matches(String selector, PodMeta pod) {
        if (selector == null) {
            return true;
        }
        for (String term : selector.split(",")) {
            String[] kv = term.split("=", 2);
            if (!kv[1].equals(pod.labels().get(kv[0]))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<String> namespaces() {
        return pods.values().stream().map(PodMeta::namespace).distinct().toList();
    }

    /** The pods as they are, each as ADDED, then the watch ends. */
    @Override
    public void watch(String namespace, String selector, java.util.function.BiConsumer<String, PodMeta> events) {
        calls.add("watch " + (namespace == null ? "*" : namespace));
        for (PodMeta p : list(namespace, selector)) {
            events.accept("ADDED", p);
        }
    }

    @Override
    public void annotate(String namespace, String name, String key, String value) {
        if (patchFailure != null) {
            throw patchFailure;
        }
        patches.add(namespace + "/" + name + " " + key + "=" + value);
        pods.get(namespace + "/" + name).annotations().put(key, value);
    }

    Io.Connection connect(ConnectionFlags flags) {
        lastFlags = flags;
        return new Io.Connection(flags.namespace() != null ? flags.namespace() : namespace, this, () -> { });
    }

    /** The outcome of one in-process run of the plugin. */
    record Result(int exit, String out, String err) {
    }

    Result withStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KubectlPi.run(args, new Io(new PrintWriter(out), new PrintWriter(err),
                new BufferedReader(new StringReader(stdin)), this::connect, clock, env::get));
        return new Result(exit, out.toString(), err.toString());
    }

    Result run(String... args) {
        return withStdin("", args);
    }
}
