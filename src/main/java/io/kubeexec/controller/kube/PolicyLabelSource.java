package io.kubeexec.controller.kube;

import java.util.Map;

/** Where the webhook reads the labels of a pod and of a namespace that may deny interactions, without waiting. */
public interface PolicyLabelSource {

    Map<String, String> podLabels(String namespace, String name);

    Map<String, String> namespaceLabels(String name);
}
