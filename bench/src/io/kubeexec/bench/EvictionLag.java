package io.kubeexec.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubeexec.contract.PodKeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Eviction lag on a real API server (bench/eviction-lag.sh): creates pods already labelled as interacted (the
 * controller's three labels) with staggered TTLs, watches them, and records when each is deleted (without a kubelet, an evicted pod is
 * deleted at once). Lag = deletion seen - due time (interaction timestamp + TTL). The controller runs separately.
 *
 *   java -cp ... io.kubeexec.bench.EvictionLag KUBECONFIG PODS FIRST_DUE_SECONDS SPREAD_SECONDS
 */
public final class EvictionLag {

    private static final String NS = "lag-bench";

    public static void main(String[] args) throws Exception {
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(Path.of(args[0])))).build();
        int count = Integer.parseInt(args[1]);
        int first = Integer.parseInt(args[2]);
        int spread = Integer.parseInt(args[3]);
        PodKeys keys = PodKeys.DEFAULT;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        Map<String, Long> deleted = new ConcurrentHashMap<>();
        Watch watch = client.pods().inNamespace(NS).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.DELETED) {
                    deleted.putIfAbsent(pod.getMetadata().getName(), System.currentTimeMillis());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        long interaction = Instant.now().getEpochSecond();
        long[] due = new long[count];
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long ttl = first + (long) i * spread / count;
            due[i] = (interaction + ttl) * 1000;
            int n = i;
            created.add(pool.submit(() -> client.pods().inNamespace(NS).resource(new PodBuilder()
                    .withNewMetadata().withName("pod-" + n)
                    .withLabels(Map.of(keys.initialInteractionTimestamp(), Long.toString(interaction),
                            keys.interactorUsername(), "alice", keys.ttlDuration(), ttl + "s"))
                    .endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withImage("nginx:1.25").endContainer().endSpec()
                    .build()).create()));
        }
        for (Future<?> f : created) {
            f.get();
        }
        pool.shutdown();
        long createdAt = System.currentTimeMillis();
        if (createdAt > due[0]) {
            System.err.println("warning: creating the pods took until after the first was due; raise FIRST_DUE_SECONDS");
        }
        long deadline = due[count - 1] + 60_000;
        while (deleted.size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        watch.close();
        List<Long> lags = new ArrayList<>();
        int early = 0;
        for (int i = 0; i < count; i++) {
            Long at = deleted.get("pod-" + i);
            if (at != null) {
                lags.add(at - due[i]);
                if (at < due[i]) {
                    early++;
                }
            }
        }
        lags.sort(Long::compare);
        System.out.printf("RESULT pods=%d evicted=%d early=%d min_ms=%d p50_ms=%d p90_ms=%d p99_ms=%d max_ms=%d%n", count,
                lags.size(), early, lags.get(0), pct(lags, 50), pct(lags, 90), pct(lags, 99), lags.get(lags.size() - 1));
        client.namespaces().withName(NS).delete();
        client.close();
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
