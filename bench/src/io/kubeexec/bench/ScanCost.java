package io.kubeexec.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.decision.NamespaceExemption;
import io.kubeexec.controller.decision.EvictionSchedule;
import io.kubeexec.controller.kube.EvictionScan;
import io.kubeexec.controller.kube.Evictor;
import io.kubeexec.controller.kube.PodEvents;
import io.kubeexec.controller.kube.ScanResult;
import io.kubeexec.controller.metrics.Metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Scan cost on a real API server (bench/scan-cost.sh): creates pods, labels some as interacted (the controller's three labels,
 * not yet due), and runs the controller's own {@link EvictionScan} against them, counting the API requests it made
 * (from the API server's apiserver_request_total), the bytes of its LIST and its time. Two series: the cluster grows
 * with 50 interacted pods; then 5 000 pods with 5, 50 and 500 interacted. For contrast, an unfiltered LIST of all pods.
 *
 *   java -cp ... io.kubeexec.bench.ScanCost KUBECONFIG [RUNS [DIVISOR]]
 *
 * DIVISOR divides every pod count (at least 1 interacted pod stays): the smoke run uses 10.
 */
public final class ScanCost {

    private static final String NS = "scan-bench";
    private static final PodKeys KEYS = PodKeys.DEFAULT;
    private static KubernetesClient client;
    private static int runs;
    private static int divisor;

    public static void main(String[] args) throws Exception {
        client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(Path.of(args[0])))).build();
        runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        divisor = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        EvictionScan scan = new EvictionScan(client, KEYS, new NamespaceExemption(Set.of()),
                new EvictionSchedule(false, true), new Evictor(client),
                new PodEvents(Clock.systemUTC(), "bench", false), Duration.ofSeconds(5), Duration.ofHours(24),
                () -> true, Clock.systemUTC(), new Metrics());
        for (int i = 0; i < 30 / divisor; i++) {
            scan.scan(); // warm: classes, connections, the JIT
        }
        System.out.printf("  %-8s %-10s %8s %8s %10s %9s %9s %12s   %s%n", "pods", "interacted", "requests", "LISTs",
                "bytes", "p50_ms", "max_ms", "etcd_LIST_ms", "(unfiltered LIST of all pods: bytes, p50 ms)");
        long created = System.nanoTime();
        parallel(0, n(500), ScanCost::createPod);
        interact(0, n(50), true);
        report(scan, n(500), n(50), false);
        parallel(n(500), n(1000), ScanCost::createPod);
        report(scan, n(1000), n(50), false);
        parallel(n(1000), n(5000), ScanCost::createPod);
        System.err.printf("created %d pods in %.1f s%n", n(5000), (System.nanoTime() - created) / 1e9);
        report(scan, n(5000), n(50), true);
        interact(n(5), n(50), false);
        report(scan, n(5000), n(5), false);
        interact(n(5), n(500), true);
        report(scan, n(5000), n(500), true);
        client.namespaces().withName(NS).delete();
        client.close();
    }

    /** A pod count of the full benchmark, scaled down by the divisor. */
    private static int n(int count) {
        return Math.max(1, count / divisor);
    }

    private static void report(EvictionScan scan, int pods, int interacted, boolean unfiltered) throws Exception {
        double before = podRequests("LIST");
        double allBefore = podRequests(null);
        scan.scan();
        double lists = podRequests("LIST") - before;
        double requests = podRequests(null) - allBefore;
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            ScanResult result = scan.scan();
            times[i] = System.nanoTime() - t0;
            if (!result.events().isEmpty() || !result.evicted().isEmpty()) {
                throw new IllegalStateException("the scan announced or evicted something: " + result);
            }
        }
        long[] quorum = new long[Math.max(3, runs / 3)];
        for (int i = 0; i < quorum.length; i++) {
            long t0 = System.nanoTime();
            get("/api/v1/pods?labelSelector=" + KEYS.initialInteractionTimestamp());
            quorum[i] = System.nanoTime() - t0;
        }
        int bytes = get("/api/v1/pods?resourceVersion=0&labelSelector=" + KEYS.initialInteractionTimestamp()).length();
        String contrast = "";
        if (unfiltered) {
            long[] all = new long[Math.max(3, runs / 3)];
            int allBytes = 0;
            for (int i = 0; i < all.length; i++) {
                long t0 = System.nanoTime();
                allBytes = get("/api/v1/pods").length();
                all[i] = System.nanoTime() - t0;
            }
            contrast = String.format("(%d bytes, %.1f ms)", allBytes, median(all) / 1e6);
        }
        System.out.printf("  %-8d %-10d %8.0f %8.0f %10d %9.1f %9.1f %12.1f   %s%n", pods, interacted, requests, lists,
                bytes, median(times) / 1e6, Arrays.stream(times).max().orElse(0) / 1e6, median(quorum) / 1e6, contrast);
    }

    /** The sum of apiserver_request_total for pods (of one verb, or all). */
    private static double podRequests(String verb) throws Exception {
        double sum = 0;
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith("apiserver_request_total{") && line.contains("resource=\"pods\"")
                    && (verb == null || line.contains("verb=\"" + verb + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String get(String path) throws Exception {
        var http = client.getHttpClient();
        HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder()
                .uri(client.getConfiguration().getMasterUrl().replaceAll("/$", "") + path).build(), String.class)
                .get();
        if (response.code() != 200) {
            throw new IllegalStateException("GET " + path + ": HTTP " + response.code());
        }
        return response.body();
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void createPod(int i) {
        client.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName("pod-" + i).withLabels(Map.of("app", "bench-" + (i % 10)))
                .endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("nginx:1.25").endContainer().endSpec()
                .build()).create();
    }

    /** Labels pods [from, to) as interacted now (TTL 10 minutes: none is due), or removes the labels. */
    private static void interact(int from, int to, boolean on) throws Exception {
        String now = Long.toString(Instant.now().getEpochSecond());
        parallel(from, to, i -> client.pods().inNamespace(NS).withName("pod-" + i).edit(p -> {
            Pod pod = new PodBuilder(p).build();
            if (on) {
                pod.getMetadata().getLabels().put(KEYS.initialInteractionTimestamp(), now);
                pod.getMetadata().getLabels().put(KEYS.interactorUsername(), "alice");
                pod.getMetadata().getLabels().put(KEYS.ttlDuration(), "10m0s");
            } else {
                pod.getMetadata().getLabels().remove(KEYS.initialInteractionTimestamp());
                pod.getMetadata().getLabels().remove(KEYS.interactorUsername());
                pod.getMetadata().getLabels().remove(KEYS.ttlDuration());
            }
            return pod;
        }));
    }

    private static void parallel(int from, int to, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int n = i;
            done.add(pool.submit(() -> task.accept(n)));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }
}
