package io.kubeexec.controller.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The controller's Prometheus metrics, in the text exposition format served on {@code /metrics}. Small and
 * dependency-free: a few counters, the queue depths, and one latency histogram.
 */
public final class Metrics {

    private static final String PREFIX = "kube_exec_controller_";
    private static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final SortedMap<String, LongAdder> counters = new ConcurrentSkipListMap<>();
    private final SortedMap<String, LongSupplier> gauges = new ConcurrentSkipListMap<>();
    private final AtomicLong[] latencyBuckets = new AtomicLong[LATENCY_BUCKETS.length];
    private final AtomicLong latencyCount = new AtomicLong();
    private final AtomicLong latencyNanos = new AtomicLong();

    public Metrics() {
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new AtomicLong();
        }
        help.put("interactions_total", "Interactions admitted and queued, by kind.");
        help.put("extensions_total", "Extensions recorded.");
        help.put("evictions_total", "Eviction attempts by result (evicted, blocked, gone, failed, skipped).");
        help.put("queue_rejections_total", "Requests that found a queue full after the enqueue timeout.");
        help.put("queue_depth", "Items waiting in a queue.");
        help.put("admission_duration_seconds", "Time to decide an AdmissionReview.");
        // Every series exists from the start, so a scrape shows it before it first moves.
        register("interactions_total", "kind", "exec", "attach", "cp", "portforward", "debug");
        register("evictions_total", "result", "evicted", "blocked", "gone", "failed", "skipped");
        register("queue_rejections_total", "queue", "interact", "extend");
        counters.put("extensions_total", new LongAdder());
    }

    public void interaction(String kind) {
        count("interactions_total", "kind", kind);
    }

    public void extension() {
        count("extensions_total", null, null);
    }

    public void eviction(String result) {
        count("evictions_total", "result", result);
    }

    public void queueRejected(String queue) {
        count("queue_rejections_total", "queue", queue);
    }

    public void queueDepth(String queue, LongSupplier depth) {
        gauges.put(series("queue_depth", "queue", queue), depth);
    }

    public void admissionLatency(long nanos) {
        double seconds = nanos / 1e9;
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            if (seconds <= LATENCY_BUCKETS[i]) {
                latencyBuckets[i].incrementAndGet();
            }
        }
        latencyCount.incrementAndGet();
        latencyNanos.addAndGet(nanos);
    }

    private void register(String name, String label, String... values) {
        for (String value : values) {
            counters.computeIfAbsent(series(name, label, value), k -> new LongAdder());
        }
    }

    public String scrape() {
        StringBuilder out = new StringBuilder();
        String lastName = null;
        for (Map.Entry<String, LongAdder> counter : counters.entrySet()) {
            lastName = header(out, counter.getKey(), "counter", lastName);
            out.append(PREFIX).append(counter.getKey()).append(' ').append(counter.getValue().sum()).append('\n');
        }
        lastName = null;
        for (Map.Entry<String, LongSupplier> gauge : gauges.entrySet()) {
            lastName = header(out, gauge.getKey(), "gauge", lastName);
            out.append(PREFIX).append(gauge.getKey()).append(' ').append(gauge.getValue().getAsLong()).append('\n');
        }
        String name = PREFIX + "admission_duration_seconds";
        out.append("# HELP ").append(name).append(' ').append(help.get("admission_duration_seconds")).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            out.append(name).append("_bucket{le=\"").append(format(LATENCY_BUCKETS[i])).append("\"} ")
                    .append(latencyBuckets[i].get()).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(latencyCount.get()).append('\n');
        out.append(name).append("_sum ").append(format(latencyNanos.get() / 1e9)).append('\n');
        out.append(name).append("_count ").append(latencyCount.get()).append('\n');
        return out.toString();
    }

    private String header(StringBuilder out, String series, String type, String lastName) {
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        if (!name.equals(lastName)) {
            out.append("# HELP ").append(PREFIX).append(name).append(' ').append(help.getOrDefault(name, name))
                    .append('\n');
            out.append("# TYPE ").append(PREFIX).append(name).append(' ').append(type).append('\n');
        }
        return name;
    }

    private void count(String name, String label, String value) {
        counters.computeIfAbsent(series(name, label, value), k -> new LongAdder()).increment();
    }

    private static String series(String name, String label, String value) {
        return label == null ? name : name + "{" + label + "=\"" + value.replace("\"", "") + "\"}";
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%s", value);
    }
}
