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
 * dependency-free: a few counters, the queue depths, and two histograms.
 */
public final class Metrics {

    private static final String PREFIX = "kube_exec_controller_";

    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final SortedMap<String, LongAdder> counters = new ConcurrentSkipListMap<>();
    private final SortedMap<String, LongSupplier> gauges = new ConcurrentSkipListMap<>();
    private final Histogram admissionLatency = new Histogram("admission_duration_seconds",
            "Time to decide an AdmissionReview.", 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
            2.5, 5); // up to the webhooks' timeoutSeconds (5), which an alert compares the p99 with
    private final Histogram scanDuration = new Histogram("eviction_scan_duration_seconds",
            "Time of one eviction scan: the LIST of interacted pods and the evictions due.",
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    private final AtomicLong scanLastSuccess = new AtomicLong();
    private final AtomicLong tracked = new AtomicLong();
    private final AtomicLong nextEviction = new AtomicLong();
    private final AtomicLong blocked = new AtomicLong();

    public Metrics() {
        help.put("interactions_total", "Interactions admitted and queued, by kind.");
        help.put("extensions_total", "Extension requests: granted (recorded on the pod) or denied by the webhook.");
        help.put("policy_denials_total", "Interactions denied by the podInteractionPolicy=deny label of the pod or its namespace.");
        help.put("exempt_interactions_total",
                "Interactions allowed and not tracked because -exempt-users (by=user) or -exempt-groups (by=group) lists who.");
        help.put("evictions_total",
                "Eviction attempts by result (evicted, pdb_blocked, gone, error; skipped: due, but kept by policy).");
        help.put("queue_rejections_total", "Requests that found a queue full after the enqueue timeout.");
        help.put("pending_rejections_total",
                "Requests refused because the ledger already held -max-pending items (-on-queue-full decides how).");
        help.put("events_dropped_total", "Events not announced: the events queue held events-queue-size lists.");
        help.put("repeated_reviews_total", "Reviews of an exec seen moments before (kubectl 1.30+ tries a WebSocket,"
                + " then SPDY): allowed and not recorded again; found_in: this replica's ledger or the pod's history.");
        help.put("queue_depth", "Items waiting in a queue.");
        help.put("pending", "Pods with work accepted and not recorded yet: queued, being recorded, or waiting to be retried.");
        help.put("lost_total",
                "Work accepted and never recorded: still pending when the process exited, and not handed over.");
        help.put("certificate_expiry_timestamp_seconds",
                "When the served certificate expires (Unix time); 0 while none is served.");
        help.put("queue_capacity", "How many items a queue holds (-interact-chan-size, -extend-chan-size).");
        help.put("ready", "1 while this replica's readiness probe answers 200, else 0.");
        help.put("leader", "1 while this replica runs the eviction scan (the Lease holder, or any without -leader-elect).");
        help.put("tracked_pods", "Interacted pods the last eviction scan listed (on the replica that scans).");
        help.put("next_eviction_timestamp_seconds",
                "When the next tracked pod is due for eviction, Unix seconds; 0 when none waits (the replica that scans).");
        help.put("eviction_blocked_pods", "Tracked pods whose eviction a PodDisruptionBudget refuses at the moment.");
        help.put("eviction_scan_last_success_timestamp_seconds",
                "When an eviction scan last listed the interacted pods, Unix seconds; 0 before the first.");
        // Every series exists from the start, so a scrape shows it before it first moves.
        register("interactions_total", "kind", "exec", "attach", "cp", "portforward", "debug");
        register("extensions_total", "result", "granted", "denied");
        register("exempt_interactions_total", "by", "user", "group");
        register("policy_denials_total", "kind", "exec", "attach", "cp", "debug");
        register("evictions_total", "result", "evicted", "pdb_blocked", "gone", "error", "skipped");
        register("queue_rejections_total", "queue", "interact", "extend");
        register("lost_total", "queue", "interact", "extend");
        register("pending_rejections_total", "queue", "interact", "extend");
        register("events_dropped_total", "reason", "queue_full");
        register("repeated_reviews_total", "found_in", "ledger", "history");
        gauges.put("tracked_pods", tracked::get);
        gauges.put("next_eviction_timestamp_seconds", nextEviction::get);
        gauges.put("eviction_blocked_pods", blocked::get);
        gauges.put("eviction_scan_last_success_timestamp_seconds", scanLastSuccess::get);
    }

    public void interaction(String kind) {
        count("interactions_total", "kind", kind);
    }

    /** An interaction by someone -exempt-users or -exempt-groups lists: counted, never tracked. */
    public void exemptInteraction(String by) {
        count("exempt_interactions_total", "by", by);
    }

    /** An interaction denied by the deny label of its pod or namespace. */
    public void deniedByPolicy(String kind) {
        count("policy_denials_total", "kind", kind);
    }

    public void extensionGranted() {
        count("extensions_total", "result", "granted");
    }

    public void extensionDenied() {
        count("extensions_total", "result", "denied");
    }

    /** One of evicted, pdb_blocked, gone, error, skipped. */
    public void eviction(String result) {
        count("evictions_total", "result", result);
    }

    public void queueRejected(String queue) {
        count("queue_rejections_total", "queue", queue);
    }

    /** The ledger held -max-pending pods: the request met the -on-queue-full rule. */
    public void pendingRejected(String queue) {
        count("pending_rejections_total", "queue", queue);
    }

    /** Reviews not recorded since they repeat an exec found in the ledger or in the pod's history. */
    public void repeatedReviews(String foundIn, int reviews) {
        if (reviews > 0) {
            counters.computeIfAbsent(series("repeated_reviews_total", "found_in", foundIn), k -> new LongAdder())
                    .add(reviews);
        }
    }

    public void eventsDropped(int events) {
        counters.computeIfAbsent(series("events_dropped_total", "reason", "queue_full"), k -> new LongAdder())
                .add(events);
    }

    public void queueDepth(String queue, LongSupplier depth) {
        gauges.put(series("queue_depth", "queue", queue), depth);
    }

    public void pending(String queue, LongSupplier pending) {
        gauges.put(series("pending", "queue", queue), pending);
    }

    /** The served certificate's expiry, in seconds since the epoch. */
    public void certificateExpiry(LongSupplier epochSeconds) {
        gauges.put("certificate_expiry_timestamp_seconds", epochSeconds);
    }

    public void queueCapacity(String queue, long capacity) {
        gauges.put(series("queue_capacity", "queue", queue), () -> capacity);
    }

    /** A gauge without labels, read at each scrape: ready, leader. */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    /**
     * What an eviction scan saw, at {@code nowSeconds}: how many interacted pods it listed, the earliest eviction time
     * still ahead or overdue (0 for none), and how many pods a PodDisruptionBudget holds.
     */
    public void scanned(long nowSeconds, long trackedPods, long nextEvictionSeconds, long blockedPods) {
        scanLastSuccess.set(nowSeconds);
        tracked.set(trackedPods);
        nextEviction.set(nextEvictionSeconds);
        blocked.set(blockedPods);
    }

    /** This replica does not scan (not the leader): what it saw while it did is no longer news. */
    public void notScanning() {
        tracked.set(0);
        nextEviction.set(0);
        blocked.set(0);
    }

    /** Accepted work that the process gave up on when it exited. */
    public void lost(String queue) {
        count("lost_total", "queue", queue);
    }

    public void admissionLatency(long nanos) {
        admissionLatency.observe(nanos);
    }

    public void scanDuration(long nanos) {
        scanDuration.observe(nanos);
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
        admissionLatency.appendTo(out);
        scanDuration.appendTo(out);
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
        return name + "{" + label + "=\"" + value.replace("\"", "") + "\"}";
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%s", value);
    }

    /** A Prometheus histogram of durations in seconds, with cumulative buckets. */
    private static final class Histogram {

        private final String name;
        private final String help;
        private final double[] bounds;
        private final AtomicLong[] buckets;
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong nanos = new AtomicLong();

        Histogram(String name, String help, double... bounds) {
            this.name = PREFIX + name;
            this.help = help;
            this.bounds = bounds;
            this.buckets = new AtomicLong[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                buckets[i] = new AtomicLong();
            }
        }

        void observe(long elapsedNanos) {
            double seconds = elapsedNanos / 1e9;
            for (int i = 0; i < bounds.length; i++) {
                if (seconds <= bounds[i]) {
                    buckets[i].incrementAndGet();
                }
            }
            count.incrementAndGet();
            nanos.addAndGet(elapsedNanos);
        }

        void appendTo(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            for (int i = 0; i < bounds.length; i++) {
                out.append(name).append("_bucket{le=\"").append(format(bounds[i])).append("\"} ")
                        .append(buckets[i].get()).append('\n');
            }
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(count.get()).append('\n');
            out.append(name).append("_sum ").append(format(nanos.get() / 1e9)).append('\n');
            out.append(name).append("_count ").append(count.get()).append('\n');
        }
    }
}
