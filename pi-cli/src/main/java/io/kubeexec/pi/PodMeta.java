package io.kubeexec.pi;

import java.util.Map;

/** What the plugin reads of a pod: its name, namespace, labels and annotations. */
public record PodMeta(String namespace, String name, Map<String, String> labels, Map<String, String> annotations) {
}
