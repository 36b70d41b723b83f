package io.kubeexec.controller.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.work.ExtensionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The extend queue's worker: records who asked for the extension and the new termination time, and returns Events
 * 3 and 2. The eviction scan reads the extension from the pod itself, so this never decides when a pod goes.
 */
public final class ExtensionRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(ExtensionRecorder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final PodKeys keys;
    private final PodEvents events;
    private final Metrics metrics;

    public ExtensionRecorder(KubernetesClient client, PodKeys keys, PodEvents events, Metrics metrics) {
        this.client = client;
        this.keys = keys;
        this.events = events;
        this.metrics = metrics;
    }

    public List<PodEvent> record(ExtensionRequest request) {
        String where = request.namespace() + "/" + request.pod();
        Pod pod;
        try {
            pod = client.pods().inNamespace(request.namespace()).withName(request.pod()).get();
        } catch (KubernetesClientException e) {
            throw KubernetesCalls.retryable("GET pod " + where, e);
        }
        if (pod == null || (!request.podUid().isEmpty() && !request.podUid().equals(pod.getMetadata().getUid()))) {
            LOG.warn("pod={} user={}: the pod is gone, extension not recorded", where, request.username());
            return List.of();
        }
        Optional<InteractedPod> state;
        try {
            state = InteractedPod.read(keys, InteractionRecorder.labels(pod), InteractionRecorder.annotations(pod));
        } catch (IllegalArgumentException e) {
            LOG.error("pod={}: cannot extend, its interaction state is unreadable: {}", where, e.getMessage());
            return List.of();
        }
        if (state.isEmpty()) {
            LOG.warn("pod={} user={}: no interaction recorded, nothing to extend", where, request.username());
            return List.of();
        }
        // The webhook admits before the API server stores the annotation, so use the requested value.
        Instant evictionTime = state.get().withExtension(Optional.of(request.extension())).evictionTime();
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode annotations = patch.putObject("metadata").putObject("annotations");
        annotations.put(keys.extensionRequester(), request.username());
        annotations.put(keys.terminationTime(), GoTime.format(evictionTime));
        try {
            client.pods().inNamespace(request.namespace()).withName(request.pod())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (!KubernetesCalls.canSucceedLater(e)) {
                LOG.error("pod={} user={}: the extension cannot be recorded (HTTP {}): {}", where,
                        request.username(), e.getCode(), e.getMessage());
                return List.of();
            }
            throw KubernetesCalls.retryable("PATCH pod " + where, e);
        }
        metrics.extensionGranted();
        LOG.info("pod={} user={} extension={}: new eviction time {}", where, request.username(),
                request.extensionText(), GoTime.format(evictionTime));
        PodRef ref = PodRef.of(pod);
        return List.of(events.extended(ref, request.extensionText(), request.username(), evictionTime),
                events.willBeEvicted(ref, evictionTime));
    }
}
