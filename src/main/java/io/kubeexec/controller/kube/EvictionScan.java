package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.admission.NamespaceExemption;
import io.kubeexec.controller.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The eviction scan. Everything it knows comes from the pods (listed by the timestamp label, so the cost follows the
 * number of interacted pods, not the cluster's size): a restarted controller simply carries on. The only memory it
 * keeps is a retry backoff per pod and which skipped pods it has already announced.
 */
public final class EvictionScan {

    private static final Logger LOG = LoggerFactory.getLogger(EvictionScan.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private record Backoff(int failures, Instant next) {
    }

    private final KubernetesClient client;
    private final PodKeys keys;
    private final NamespaceExemption exemption;
    private final EvictionSchedule schedule;
    private final Evictor evictor;
    private final PodEvents events;
    private final Duration scanInterval;
    private final Duration maxExtension;
    private final BooleanSupplier isLeader;
    private final Clock clock;
    private final Metrics metrics;
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
    private final Set<String> announcedSkips = ConcurrentHashMap.newKeySet();
    private final Set<String> reportedUnreadable = ConcurrentHashMap.newKeySet();

    public EvictionScan(KubernetesClient client, PodKeys keys, NamespaceExemption exemption, EvictionSchedule schedule,
            Evictor evictor, PodEvents events, Duration scanInterval, Duration maxExtension, BooleanSupplier isLeader,
            Clock clock, Metrics metrics) {
        this.client = client;
        this.keys = keys;
        this.exemption = exemption;
        this.schedule = schedule;
        this.evictor = evictor;
        this.events = events;
        this.scanInterval = scanInterval;
        this.maxExtension = maxExtension;
        this.isLeader = isLeader;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Lists the interacted pods and evicts the due ones; returns the Events to announce and the evicted pods. */
    public ScanResult scan() {
        if (!isLeader.getAsBoolean()) {
            return ScanResult.NOTHING;
        }
        long started = System.nanoTime();
        try {
            return scanInteractedPods();
        } finally {
            metrics.scanDuration(System.nanoTime() - started);
        }
    }

    private ScanResult scanInteractedPods() {
        List<Pod> pods;
        try {
            // resourceVersion=0: served from the API server's watch cache. Without it, a LIST with a label selector is
            // a quorum read of every pod from etcd, filtered afterwards: the scan would cost what the cluster's size
            // does (bench/scan-cost.sh). A cache a moment old is fine for a scan that runs every few seconds.
            pods = client.pods().inAnyNamespace().withLabel(keys.initialInteractionTimestamp())
                    .list(new ListOptionsBuilder().withResourceVersion("0").build()).getItems();
        } catch (KubernetesClientException e) {
            LOG.warn("Eviction scan could not list interacted pods (HTTP {}): {}; retrying next scan",
                    e.getCode(), e.getMessage());
            return ScanResult.NOTHING;
        }
        Instant now = clock.instant();
        List<PodEvent> announcements = new ArrayList<>();
        List<EvictedPod> evicted = new ArrayList<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (Pod pod : pods) {
            PodRef ref = PodRef.of(pod);
            seen.add(ref.uid());
            if (exemption.isExempt(ref.namespace()) || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            try {
                announcements.addAll(consider(pod, ref, now, evicted));
            } catch (RuntimeException e) {
                // One pod never stops the scan of the others.
                LOG.error("pod={}/{}: eviction check failed, retrying next scan: {}", ref.namespace(), ref.name(),
                        e.toString());
            }
        }
        backoffs.keySet().retainAll(seen);
        announcedSkips.retainAll(seen);
        reportedUnreadable.removeIf(key -> !seen.contains(key.split("/")[0]));
        return new ScanResult(List.copyOf(announcements), List.copyOf(evicted));
    }

    private List<PodEvent> consider(Pod pod, PodRef ref, Instant now, List<EvictedPod> evicted) {
        String where = ref.namespace() + "/" + ref.name();
        Optional<InteractedPod> state;
        try {
            state = InteractedPod.read(keys, InteractionRecorder.labels(pod), boundedExtension(ref, pod));
        } catch (IllegalArgumentException e) {
            if (reportedUnreadable.add(ref.uid())) {
                LOG.error("pod={}: interaction state is unreadable, it will not be evicted until fixed: {}", where,
                        e.getMessage());
                return List.of(events.skippedByPolicy(ref, "its interaction state is unreadable: " + e.getMessage()));
            }
            return List.of();
        }
        if (state.isEmpty()) {
            return List.of();
        }
        boolean hasOwner = pod.getMetadata().getOwnerReferences() != null
                && !pod.getMetadata().getOwnerReferences().isEmpty();
        switch (schedule.decide(state.get(), hasOwner, now)) {
            case WAIT:
                return List.of();
            case SKIP_DRY_RUN:
                return announceSkipOnce(ref, "audit mode (-dry-run) never evicts",
                        events.wouldBeEvicted(ref, state.get().evictionTime()));
            case SKIP_BARE_POD:
                String why = "the pod has no owner to recreate it (-evict-bare-pods=false)";
                return announceSkipOnce(ref, why, events.skippedByPolicy(ref, why));
            default:
                break;
        }
        Backoff backoff = backoffs.get(ref.uid());
        if (backoff != null && now.isBefore(backoff.next())) {
            return List.of();
        }
        Evictor.Outcome outcome = evictor.evict(ref);
        metrics.eviction(switch (outcome.result()) {
            case EVICTED -> "evicted";
            case BLOCKED -> "pdb_blocked";
            case GONE -> "gone";
            case FAILED -> "error";
        });
        switch (outcome.result()) {
            case EVICTED:
                backoffs.remove(ref.uid());
                LOG.info("pod={} user={}: evicted, TTL expired at {}", where, state.get().interactor(),
                        state.get().evictionTime());
                evicted.add(new EvictedPod(ref, state.get().interactor(), state.get().evictionTime()));
                return List.of(events.evicted(ref, state.get().evictionTime()));
            case GONE:
                backoffs.remove(ref.uid());
                LOG.info("pod={}: already gone, nothing to evict", where);
                return List.of();
            case BLOCKED:
                Backoff blocked = backOff(ref, now);
                LOG.warn("pod={}: eviction blocked by a PodDisruptionBudget, retry #{} after {}: {}", where,
                        blocked.failures(), blocked.next(), outcome.detail());
                return blocked.failures() == 1
                        ? List.of(events.blockedByDisruptionBudget(ref, outcome.detail()))
                        : List.of();
            default:
                Backoff failed = backOff(ref, now);
                LOG.error("pod={}: eviction failed, retry #{} after {}: {}", where, failed.failures(), failed.next(),
                        outcome.detail());
                return List.of();
        }
    }

    /**
     * The webhook validates extensions, but it never sees one set at creation or before the first interaction.
     * So an unreadable or negative extension counts as none, and a larger one as -max-extension: no annotation
     * can keep a pod forever.
     */
    private Map<String, String> boundedExtension(PodRef ref, Pod pod) {
        Map<String, String> annotations = new java.util.HashMap<>(InteractionRecorder.annotations(pod));
        String text = annotations.get(keys.extendedDuration());
        if (text == null) {
            return annotations;
        }
        String why = null;
        try {
            Duration extension = GoDuration.parse(text.trim());
            if (extension.isNegative()) {
                annotations.remove(keys.extendedDuration());
                why = "negative, counted as none";
            } else if (extension.compareTo(maxExtension) > 0) {
                annotations.put(keys.extendedDuration(), GoDuration.format(maxExtension));
                why = "above -max-extension, counted as " + GoDuration.format(maxExtension);
            }
        } catch (IllegalArgumentException e) {
            annotations.remove(keys.extendedDuration());
            why = "not a Go duration, counted as none";
        }
        if (why != null && reportedUnreadable.add(ref.uid() + "/extension")) {
            LOG.warn("pod={}/{}: extension \"{}\" is {}", ref.namespace(), ref.name(), text, why);
        }
        return annotations;
    }

    private List<PodEvent> announceSkipOnce(PodRef ref, String why, PodEvent announcement) {
        if (announcedSkips.add(ref.uid())) {
            metrics.eviction("skipped");
            LOG.info("pod={}/{}: due, but not evicted: {}", ref.namespace(), ref.name(), why);
            return List.of(announcement);
        }
        return List.of();
    }

    private Backoff backOff(PodRef ref, Instant now) {
        return backoffs.compute(ref.uid(), (uid, previous) -> {
            int failures = previous == null ? 1 : previous.failures() + 1;
            Duration wait = scanInterval.multipliedBy(1L << Math.min(failures - 1, 16));
            if (wait.compareTo(MAX_BACKOFF) > 0) {
                wait = MAX_BACKOFF;
            }
            return new Backoff(failures, now.plus(wait));
        });
    }
}
