package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeexec.contract.PodKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The pods and namespaces labelled {@code podInteractionPolicy=deny}, watched, so that the webhook can deny an exec at
 * once without calling the API server (a review for a CONNECT carries no labels). Only labelled objects are watched:
 * the cost follows how many pods carry the label, not the cluster's size. While the API server cannot be reached the
 * last state seen stays; the watches resume on their own.
 */
public final class PolicyLabels implements PolicyLabelSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyLabels.class);

    /** Set once the watches are started (off the main thread); null until then. */
    private volatile SharedIndexInformer<Pod> pods;
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile boolean closed;

    private PolicyLabels() {
    }

    /**
     * Starts both watches on a thread of its own, since the client may still be being built (BackgroundClient) and
     * start-up must not wait for it: {@link #synced()} says when their first lists are in.
     */
    public static PolicyLabels start(KubernetesClient client, PodKeys keys) {
        PolicyLabels labels = new PolicyLabels();
        Thread starter = new Thread(() -> labels.watch(client, keys.interactionPolicy()), "policy-labels-start");
        starter.setDaemon(true);
        starter.start();
        return labels;
    }

    private synchronized void watch(KubernetesClient client, String key) {
        if (closed) {
            return;
        }
        try {
            SharedIndexInformer<Pod> podInformer = client.pods().inAnyNamespace()
                    .withLabel(key, PodKeys.POLICY_DENY).runnableInformer(0);
            SharedIndexInformer<Namespace> namespaceInformer = client.namespaces()
                    .withLabel(key, PodKeys.POLICY_DENY).runnableInformer(0);
            List<CompletableFuture<Void>> listed = new ArrayList<>();
            for (SharedIndexInformer<?> informer : List.of(podInformer, namespaceInformer)) {
                // Keep trying, also when the first list fails (no API server yet): readiness waits for it. Once
                // listed, a broken watch only means an API outage, which the rest of the controller reports.
                informer.exceptionHandler((started, error) -> {
                    if (started) {
                        LOG.debug("Watching the {}s labelled {} failed, retrying: {}",
                                informer.getApiTypeClass().getSimpleName(), key, error.toString());
                    } else {
                        LOG.warn("Listing the {}s labelled {} failed, retrying: {}",
                                informer.getApiTypeClass().getSimpleName(), key, error.toString());
                    }
                    return true;
                });
                listed.add(informer.start().toCompletableFuture());
            }
            CompletableFuture.allOf(listed.toArray(CompletableFuture[]::new)).thenRun(() -> LOG.info(
                    "Listed what carries the label {}={}: {} pod(s), {} namespace(s); watching for changes", key,
                    PodKeys.POLICY_DENY, podInformer.getStore().list().size(),
                    namespaceInformer.getStore().list().size()));
            pods = podInformer;
            namespaces = namespaceInformer;
        } catch (RuntimeException e) {
            // The client could not be built: the readiness probe's API check says so.
            LOG.error("Cannot watch the pods and namespaces labelled {}: {}", key, e.toString());
        }
    }

    /** Whether both first lists are in: until then a deny label may be missed, and the replica is not ready. */
    public boolean synced() {
        SharedIndexInformer<Pod> p = pods;
        SharedIndexInformer<Namespace> n = namespaces;
        return p != null && n != null && p.hasSynced() && n.hasSynced();
    }

    /** The labels of the pod if it carries the deny label, else none. */
    @Override
    public Map<String, String> podLabels(String namespace, String name) {
        SharedIndexInformer<Pod> p = pods;
        return p == null ? Map.of() : labels(p.getStore().getByKey(namespace + "/" + name));
    }

    /** The labels of the namespace if it carries the deny label, else none. */
    @Override
    public Map<String, String> namespaceLabels(String name) {
        SharedIndexInformer<Namespace> n = namespaces;
        return n == null ? Map.of() : labels(n.getStore().getByKey(name));
    }

    private static Map<String, String> labels(HasMetadata object) {
        return object == null ? Map.of() : InteractionRecorder.labels(object);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pods != null) {
            pods.stop();
        }
        if (namespaces != null) {
            namespaces.stop();
        }
    }
}
