package io.kubeexec.controller.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The series an operator's dashboards and alerts are written against: names, labels and types. */
class MetricsTest {

    @Test
    void everySeriesIsExposedBeforeItFirstMoves() {
        String scrape = new Metrics().scrape();

        assertThat(scrape).contains(
                "kube_exec_controller_interactions_total{kind=\"exec\"} 0",
                "kube_exec_controller_interactions_total{kind=\"debug\"} 0",
                "kube_exec_controller_extensions_total{result=\"granted\"} 0",
                "kube_exec_controller_extensions_total{result=\"denied\"} 0",
                "kube_exec_controller_evictions_total{result=\"evicted\"} 0",
                "kube_exec_controller_evictions_total{result=\"pdb_blocked\"} 0",
                "kube_exec_controller_evictions_total{result=\"gone\"} 0",
                "kube_exec_controller_evictions_total{result=\"error\"} 0",
                "kube_exec_controller_evictions_total{result=\"skipped\"} 0",
                "kube_exec_controller_queue_rejections_total{queue=\"interact\"} 0",
                "# TYPE kube_exec_controller_admission_duration_seconds histogram",
                "# TYPE kube_exec_controller_eviction_scan_duration_seconds histogram",
                "kube_exec_controller_eviction_scan_duration_seconds_count 0",
                "kube_exec_controller_tracked_pods 0",
                "kube_exec_controller_next_eviction_timestamp_seconds 0",
                "kube_exec_controller_eviction_blocked_pods 0",
                "kube_exec_controller_eviction_scan_last_success_timestamp_seconds 0",
                // The webhooks' timeoutSeconds is 5: the latency alert needs buckets up to it.
                "kube_exec_controller_admission_duration_seconds_bucket{le=\"5.0\"} 0");
    }

    @Test
    void aScanReportsWhatItSawAndAReplicaThatStopsScanningForgetsIt() {
        Metrics metrics = new Metrics();
        metrics.queueCapacity("interact", 500);
        metrics.gauge("leader", () -> 1);
        metrics.scanned(1_800_000_000L, 12, 1_800_000_600L, 2);

        assertThat(metrics.scrape()).contains(
                "kube_exec_controller_queue_capacity{queue=\"interact\"} 500",
                "kube_exec_controller_leader 1",
                "kube_exec_controller_tracked_pods 12",
                "kube_exec_controller_next_eviction_timestamp_seconds 1800000600",
                "kube_exec_controller_eviction_blocked_pods 2",
                "kube_exec_controller_eviction_scan_last_success_timestamp_seconds 1800000000");

        metrics.notScanning();

        assertThat(metrics.scrape()).contains(
                "kube_exec_controller_tracked_pods 0",
                "kube_exec_controller_next_eviction_timestamp_seconds 0",
                "kube_exec_controller_eviction_blocked_pods 0",
                // When it last listed them stays: the alert on the API server takes the newest of all replicas.
                "kube_exec_controller_eviction_scan_last_success_timestamp_seconds 1800000000");
    }

    @Test
    void countersAndHistogramsMoveWithWhatHappens() {
        Metrics metrics = new Metrics();
        metrics.extensionGranted();
        metrics.extensionDenied();
        metrics.extensionDenied();
        metrics.eviction("pdb_blocked");
        metrics.scanDuration(30_000_000); // 30 ms
        metrics.scanDuration(3_000_000_000L); // 3 s
        metrics.queueDepth("interact", () -> 7);

        String scrape = metrics.scrape();

        assertThat(scrape).contains(
                "kube_exec_controller_extensions_total{result=\"granted\"} 1",
                "kube_exec_controller_extensions_total{result=\"denied\"} 2",
                "kube_exec_controller_evictions_total{result=\"pdb_blocked\"} 1",
                "kube_exec_controller_eviction_scan_duration_seconds_bucket{le=\"0.025\"} 0",
                "kube_exec_controller_eviction_scan_duration_seconds_bucket{le=\"0.05\"} 1",
                "kube_exec_controller_eviction_scan_duration_seconds_bucket{le=\"5.0\"} 2",
                "kube_exec_controller_eviction_scan_duration_seconds_bucket{le=\"+Inf\"} 2",
                "kube_exec_controller_eviction_scan_duration_seconds_sum 3.03",
                "kube_exec_controller_eviction_scan_duration_seconds_count 2",
                "kube_exec_controller_queue_depth{queue=\"interact\"} 7");
        // One HELP and TYPE per metric name, not per series.
        assertThat(scrape.split("# TYPE kube_exec_controller_evictions_total ", -1)).hasSize(2);
    }
}
