package io.kubeexec.controller.decision;

import io.kubeexec.contract.PodKeys;

import java.util.Map;
import java.util.Optional;

/**
 * Whether a pod is opted out of tracking by the {@code podInteractionTracking=disabled} label on itself or on its
 * namespace (the name-based {@code -namespace-allowlist} is {@link NamespaceExemption}). Decided at the first
 * interaction: a pod already tracked stays tracked.
 */
public final class TrackingOptOut {

    private final PodKeys keys;

    public TrackingOptOut(PodKeys keys) {
        this.keys = keys;
    }

    /** The label that opts the pod out, if any. */
    public Optional<String> reason(Map<String, String> podLabels, Map<String, String> namespaceLabels) {
        if (disabled(podLabels)) {
            return Optional.of("pod label " + label());
        }
        if (disabled(namespaceLabels)) {
            return Optional.of("namespace label " + label());
        }
        return Optional.empty();
    }

    /** Whether the namespace's label opts it out, which also keeps the webhooks from calling for its pods. */
    public boolean namespaceOptedOut(Map<String, String> namespaceLabels) {
        return disabled(namespaceLabels);
    }

    private boolean disabled(Map<String, String> labels) {
        return PodKeys.TRACKING_DISABLED.equals(labels.get(keys.tracking()));
    }

    private String label() {
        return keys.tracking() + "=" + PodKeys.TRACKING_DISABLED;
    }
}
