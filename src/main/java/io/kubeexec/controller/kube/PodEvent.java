package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;

/** One Event to create through the kubernetes-events endpoint: its deterministic name makes it idempotent. */
public record PodEvent(String namespace, String name, EventBuilder event) {
}
