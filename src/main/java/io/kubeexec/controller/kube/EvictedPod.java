package io.kubeexec.controller.kube;

import java.time.Instant;

/** A pod the eviction scan has just evicted: who interacted with it (the label value) and when its time ran out. */
public record EvictedPod(PodRef pod, String interactor, Instant evictionTime) {
}
