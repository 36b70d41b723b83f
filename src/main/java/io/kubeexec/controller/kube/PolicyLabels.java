package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.admission.PolicyLabelSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The pods and namespaces labelled {@code podInteractionPolicy=deny}, watched, so that the webhook can deny an exec at
 * once without calling the API server (a review for a CONNECT carries no labels). Only labelled objects are watched:
 * the cost follows how many pods carry the label, not the cluster's size. While the API server cannot be reached the
 * last state seen stays; the watches resume on their own.
 */
public final class PolicyLabels implements PolicyLabelSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyLabels.class);

    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Namespace> namespaces;

    private PolicyLabels(SharedIndexInformer<Pod> pods, SharedIndexInformer<Namespace> namespaces) {
        this.pods = pods;
        this.namespaces = namespaces;
    }

    /** Starts both watches without waiting: {@link #synced()} says when their first lists are in. */
    public static PolicyLabels start(KubernetesClient client, PodKeys keys) {
        String key = keys.interactionPolicy();
        SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().withLabel(key, PodKeys.POLICY_DENY)
                .runnableInformer(0);
        SharedIndexInformer<Namespace> namespaces = client.namespaces().withLabel(key, PodKeys.POLICY_DENY)
                .runnableInformer(0);
        for (SharedIndexInformer<?> informer : List.of(pods, namespaces)) {
            // Keep trying, also when the first list fails (no API server yet): readiness waits for it. Once listed,
            // a broken watch only means an API outage, which the rest of the controller already reports.
            informer.exceptionHandler((started, error) -> {
                if (started) {
                    LOG.debug("Watching the {} label on {}s failed, retrying: {}", key,
                            informer.getApiTypeClass().getSimpleName(), error.toString());
                } else {
                    LOG.warn("Listing the {}s labelled {} failed, retrying: {}", informer.getApiTypeClass()
                            .getSimpleName(), key, error.toString());
                }
                return true;
            });
            informer.start();
        }
        return new PolicyLabels(pods, namespaces);
    }

    /** Whether both first lists are in: until then a deny label may be missed, and the replica is not ready. */
    public boolean synced() {
        return pods.hasSynced() && namespaces.hasSynced();
    }

    /** The labels of the pod if it carries the deny label, else none. */
    @Override
    public Map<String, String> podLabels(String namespace, String name) {
        return labels(pods.getStore().getByKey(namespace + "/" + name));
    }

    /** The labels of the namespace if it carries the deny label, else none. */
    @Override
    public Map<String, String> namespaceLabels(String name) {
        return labels(namespaces.getStore().getByKey(name));
    }

    private static Map<String, String> labels(HasMetadata object) {
        return object == null ? Map.of() : InteractionRecorder.labels(object);
    }

    @Override
    public void close() {
        pods.stop();
        namespaces.stop();
    }
}
