package io.kubeexec.controller.kube;

import java.util.List;

/** What one eviction scan did: the Events to announce, and the pods it evicted (for observers). */
public record ScanResult(List<PodEvent> events, List<EvictedPod> evicted) {

    static final ScanResult NOTHING = new ScanResult(List.of(), List.of());
}
