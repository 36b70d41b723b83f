package io.kubeexec.controller.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.PodInteractions;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.decision.HarmlessCommand;
import io.kubeexec.controller.decision.InteractionPatch;
import io.kubeexec.controller.decision.RepeatedExec;
import io.kubeexec.controller.decision.TrackingOptOut;
import io.kubeexec.controller.decision.TtlPolicy;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.work.Interaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The interact queue's worker. On a pod's first interaction it writes the three labels and the termination
 * annotation and returns Events 1 and 2; on later ones it only appends to the interactions annotation, unless the
 * history already holds the same exec (kubectl's second review of it, {@link RepeatedExec}). The TTL and
 * any opt-out come from the pod and its namespace, read at the first interaction; a later one in a namespace opted
 * out since is not written down (the webhooks would not have sent it). Writes are merge patches carrying
 * the {@code resourceVersion} read, so two replicas never both label a pod.
 */
public final class InteractionRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(InteractionRecorder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONFLICT_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final PodKeys keys;
    private final TtlPolicy ttlPolicy;
    private final TrackingOptOut optOut;
    private final HarmlessCommand harmless;
    private final PodEvents events;
    private final Metrics metrics;

    public InteractionRecorder(KubernetesClient client, PodKeys keys, TtlPolicy ttlPolicy, TrackingOptOut optOut,
            HarmlessCommand harmless, PodEvents events, Metrics metrics) {
        this.client = client;
        this.keys = keys;
        this.ttlPolicy = ttlPolicy;
        this.optOut = optOut;
        this.harmless = harmless;
        this.events = events;
        this.metrics = metrics;
    }

    /** No command is harmless (-harmless-commands empty, no annotation read). */
    public InteractionRecorder(KubernetesClient client, PodKeys keys, TtlPolicy ttlPolicy, TrackingOptOut optOut,
            PodEvents events, Metrics metrics) {
        this(client, keys, ttlPolicy, optOut, new HarmlessCommand(Set.of(), keys.harmlessCommands()), events,
                metrics);
    }

    /**
     * Returns the Events to announce: none when the pod is gone or was already interacted with, but one for each
     * harmless exec (-harmless-commands), which is written in the history only.
     */
    public List<PodEvent> record(Interaction interaction) {
        return recordWith(interaction, null);
    }

    /**
     * As {@link #record(Interaction)}, with this TTL (a Go duration) for a first interaction instead of
     * {@code -ttl-seconds}: the hook for TTL rules written as routes (routes/examples/namespace-ttl.camel.yaml).
     * A pod's or namespace's podTTL annotation still wins, and -max-ttl still caps it.
     */
    public List<PodEvent> recordWithTtl(Interaction interaction, String ttl) {
        Duration given = GoDuration.parse(ttl.trim());
        if (given.isNegative()) {
            throw new IllegalArgumentException("a TTL must not be negative: " + ttl);
        }
        return recordWith(interaction, given);
    }

    /** {@code routeTtl}: the TTL a route asked for, or null for {@code -ttl-seconds}. */
    private List<PodEvent> recordWith(Interaction interaction, Duration routeTtl) {
        String where = interaction.namespace() + "/" + interaction.pod();
        Namespace namespace = null; // read once, at the first attempt that finds the pod
        for (int attempt = 1; attempt <= CONFLICT_ATTEMPTS; attempt++) {
            Pod pod;
            try {
                pod = client.pods().inNamespace(interaction.namespace()).withName(interaction.pod()).get();
            } catch (KubernetesClientException e) {
                throw KubernetesCalls.retryable("GET pod " + where, e);
            }
            if (pod == null) {
                LOG.warn("pod={} user={} kind={}: the pod is gone, nothing to record", where,
                        interaction.username(), interaction.kind().label());
                return List.of();
            }
            boolean first = !labels(pod).containsKey(keys.initialInteractionTimestamp());
            if (namespace == null) {
                namespace = namespace(interaction.namespace());
            }
            TtlPolicy.Applied ttl = null;
            if (!first && optOut.namespaceOptedOut(labels(namespace))) {
                // The webhooks never send a review for a namespace opted out by label, so this one was forged or
                // comes from a configuration without that selector. The pod stays tracked, as it was before the
                // namespace opted out, but nothing is written to it.
                LOG.info("pod={} user={} kind={}: not recorded, the namespace is opted out by its label; the pod "
                        + "stays tracked", where, interaction.username(), interaction.kind().label());
                return List.of();
            }
            if (first) {
                Optional<String> optedOut = optOut.reason(labels(pod), labels(namespace));
                if (optedOut.isPresent()) {
                    LOG.info("pod={} user={} kind={}: not tracked, opted out by the {}", where,
                            interaction.username(), interaction.kind().label(), optedOut.get());
                    return List.of();
                }
            }
            // The pod's history may already hold an interaction: recorded by another replica, or by this one
            // before the second review of the same exec arrived.
            Optional<Object> recorded = existingHistory(pod); // parsed once, for the repeat check and the append
            List<Interaction> toRecord = notRepeated(recorded, interaction);
            int repeats = interaction.all().size() - toRecord.size();
            if (toRecord.isEmpty()) {
                metrics.repeatedReviews("history", repeats);
                return List.of();
            }
            // A harmless exec goes into the history only; the first other one (coalesced ones included) labels.
            List<Optional<String>> harmlessBy = new ArrayList<>(toRecord.size());
            Interaction labelling = null;
            for (Interaction each : toRecord) {
                Optional<String> by = harmless.reason(each.kind(), each.command(), annotations(pod),
                        annotations(namespace));
                harmlessBy.add(by);
                if (labelling == null && by.isEmpty()) {
                    labelling = each;
                }
            }
            boolean labels = first && labelling != null;
            if (labels) {
                ttl = routeTtl == null ? ttlPolicy.decide(annotations(pod), annotations(namespace))
                        : ttlPolicy.decide(annotations(pod), annotations(namespace), routeTtl, "the route's TTL");
                ttl.warnings().forEach(w -> LOG.warn("pod={}: {}", where, w));
            }
            String history = appendedInteractions(pod, recorded, toRecord);
            InteractionPatch patch = labels
                    ? InteractionPatch.first(keys, labelling.time(), labelling.username(), ttl.ttl(), history)
                    : InteractionPatch.later(keys, history);
            String mergePatch = json(patch.mergePatch(pod.getMetadata().getResourceVersion()));
            try {
                client.pods().inNamespace(interaction.namespace()).withName(interaction.pod())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    LOG.debug("pod={}: changed since read, retrying ({}/{})", where, attempt, CONFLICT_ATTEMPTS);
                    continue;
                }
                if (!KubernetesCalls.canSucceedLater(e)) {
                    LOG.error("pod={} user={}: the interaction cannot be recorded (HTTP {}): {}", where,
                            interaction.username(), e.getCode(), e.getMessage());
                    return List.of();
                }
                throw KubernetesCalls.retryable("PATCH pod " + where, e);
            }
            metrics.repeatedReviews("history", repeats);
            PodRef ref = PodRef.of(pod);
            List<PodEvent> announced = new ArrayList<>();
            for (int i = 0; i < toRecord.size(); i++) {
                Interaction each = toRecord.get(i);
                if (harmlessBy.get(i).isPresent()) {
                    LOG.info("pod={} user={} kind={} command={}: harmless (listed by {}), recorded in the history "
                            + "only, no TTL", where, each.username(), each.kind().label(), each.command(),
                            harmlessBy.get(i).get());
                    announced.add(events.harmless(ref, each.command(), each.username(),
                            each.time().truncatedTo(ChronoUnit.SECONDS), harmlessBy.get(i).get()));
                }
            }
            if (labelling == null) {
                return announced;
            }
            String more = toRecord.size() == 1 ? ""
                    : " (with " + (toRecord.size() - 1) + " later interaction(s) in the same patch)";
            if (!labels) {
                LOG.info("pod={} user={} kind={}: additional interaction recorded{}; eviction time unchanged", where,
                        labelling.username(), labelling.kind().label(), more);
                return announced;
            }
            Instant evictionTime = patch.evictionTime().orElseThrow();
            LOG.info("pod={} user={} kind={}: labelled, TTL {} from {}, eviction at {}{}", where,
                    labelling.username(), labelling.kind().label(), GoDuration.format(ttl.ttl()), ttl.source(),
                    GoTime.format(evictionTime), more);
            announced.add(0, events.interacted(ref, labelling.kind(), labelling.username(),
                    labelling.time().truncatedTo(ChronoUnit.SECONDS)));
            announced.add(1, events.willBeEvicted(ref, evictionTime));
            return announced;
        }
        throw new RetryableFailure("pod " + where + " kept changing while being labelled");
    }

    /**
     * The pod's namespace, for its opt-out label and TTL annotation. If it cannot be read for good (no RBAC to get
     * namespaces, say) the pod is still tracked, with the pod's own settings and the flags: never lose a pod.
     */
    private Namespace namespace(String name) {
        try {
            Namespace namespace = client.namespaces().withName(name).get();
            return namespace == null ? new Namespace() : namespace;
        } catch (KubernetesClientException e) {
            if (KubernetesCalls.canSucceedLater(e)) {
                throw KubernetesCalls.retryable("GET namespace " + name, e);
            }
            LOG.warn("namespace={}: cannot be read (HTTP {}), its labels and annotations are not applied: {}", name,
                    e.getCode(), e.getMessage());
            return new Namespace();
        }
    }

    /**
     * The interactions that repeat none in the pod's history ({@link RepeatedExec}): kubectl's second review of one
     * exec is recorded once, whichever replica recorded the first.
     */
    private List<Interaction> notRepeated(Optional<Object> recorded, Interaction interaction) {
        List<PodInteractions.Entry> entries;
        try {
            entries = new ArrayList<>(PodInteractions.read(recorded.orElse(List.of())));
        } catch (IllegalArgumentException e) {
            entries = new ArrayList<>(); // a garbled history is replaced below, and repeats nothing
        }
        List<Interaction> toRecord = new ArrayList<>();
        for (Interaction each : interaction.all()) {
            Optional<PodInteractions.Entry> repeated = RepeatedExec.repeated(entries, each);
            if (repeated.isPresent()) {
                LOG.info("pod={}/{} user={} kind={} container={}: the same exec as the one recorded at {}, within {}"
                        + " (kubectl's second try of one exec), not recorded again", each.namespace(), each.pod(),
                        each.username(), each.kind().label(), each.container(), repeated.get().time(),
                        GoDuration.format(RepeatedExec.WINDOW));
            } else {
                toRecord.add(each);
                entries.add(entry(each));
            }
        }
        return toRecord;
    }

    /** The history annotation as parsed JSON; empty when absent or not JSON at all. */
    private Optional<Object> existingHistory(Pod pod) {
        String recorded = annotations(pod).get(keys.interactions());
        if (recorded == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readValue(recorded, Object.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The interactions annotation with these interactions appended, in the contract's form ({@link PodInteractions}). */
    private String appendedInteractions(Pod pod, Optional<Object> recorded, List<Interaction> interactions) {
        List<?> existing = List.of();
        if (annotations(pod).containsKey(keys.interactions())) {
            if (recorded.orElse(null) instanceof List<?> list) {
                existing = list;
            } else {
                LOG.warn("pod={}/{}: replacing an unreadable {} annotation", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), keys.interactions());
            }
        }
        List<?> history = existing;
        for (Interaction each : interactions) {
            history = PodInteractions.append(history, entry(each));
        }
        return json(history);
    }

    private static PodInteractions.Entry entry(Interaction i) {
        return PodInteractions.Entry.of(i.username(), i.groups(), i.kind().label(), i.container(), i.command(),
                i.time());
    }

    private static String json(Object plain) {
        try {
            return JSON.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // lists, maps and strings always serialise
        }
    }

    static Map<String, String> labels(HasMetadata object) {
        Map<String, String> labels = object.getMetadata() == null ? null : object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    static Map<String, String> annotations(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata() == null ? null : object.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }
}
