package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.decision.AnnounceOnce;
import io.kubeexec.controller.decision.EvictionBackoff;
import io.kubeexec.controller.decision.EvictionSchedule;
import io.kubeexec.controller.decision.ExtensionClamp;
import io.kubeexec.controller.decision.NamespaceExemption;
import io.kubeexec.controller.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The eviction scan. Everything it knows comes from the pods (listed by the timestamp label, so the cost follows the
 * number of interacted pods, not the cluster's size): a restarted controller simply carries on. It decides nothing
 * itself: {@link EvictionSchedule} says whether a pod is due, {@link ExtensionClamp} which extension counts,
 * {@link EvictionBackoff} when to try again, {@link AnnounceOnce} whether news is new. This class lists, evicts and
 * logs.
 */
public final class EvictionScan {

    private static final Logger LOG = LoggerFactory.getLogger(EvictionScan.class);

    private final KubernetesClient client;
    private final PodKeys keys;
    private final NamespaceExemption exemption;
    private final EvictionSchedule schedule;
    private final ExtensionClamp extensionClamp;
    private final EvictionBackoff backoff;
    private final AnnounceOnce once = new AnnounceOnce();
    private final Evictor evictor;
    private final PodEvents events;
    private final BooleanSupplier isLeader;
    private final Clock clock;
    private final Metrics metrics;
    /** The pods a PodDisruptionBudget refused at their last attempt, by UID, for the metric. */
    private final Set<String> blocked = new HashSet<>();
    /** The earliest eviction time the scan in progress has seen (the scan never runs twice at once). */
    private Instant earliestEviction;

    public EvictionScan(KubernetesClient client, PodKeys keys, NamespaceExemption exemption, EvictionSchedule schedule,
            Evictor evictor, PodEvents events, Duration scanInterval, Duration maxExtension, BooleanSupplier isLeader,
            Clock clock, Metrics metrics) {
        this.client = client;
        this.keys = keys;
        this.exemption = exemption;
        this.schedule = schedule;
        this.extensionClamp = new ExtensionClamp(maxExtension);
        this.backoff = new EvictionBackoff(scanInterval);
        this.evictor = evictor;
        this.events = events;
        this.isLeader = isLeader;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Lists the interacted pods and evicts the due ones; returns the Events to announce and the evicted pods. */
    public ScanResult scan() {
        if (!isLeader.getAsBoolean()) {
            metrics.notScanning();
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
        earliestEviction = null;
        long tracked = 0;
        List<PodEvent> announcements = new ArrayList<>();
        List<EvictedPod> evicted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Pod pod : pods) {
            PodRef ref = PodRef.of(pod);
            seen.add(ref.uid());
            if (exemption.isExempt(ref.namespace()) || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            tracked++;
            try {
                announcements.addAll(consider(pod, ref, now, evicted));
            } catch (RuntimeException e) {
                // One pod never stops the scan of the others.
                LOG.error("pod={}/{}: eviction check failed, retrying next scan: {}", ref.namespace(), ref.name(),
                        e.toString());
            }
        }
        backoff.forgetAllBut(seen);
        once.forgetAllBut(seen);
        blocked.retainAll(seen);
        metrics.scanned(now.getEpochSecond(), tracked - evicted.size(),
                earliestEviction == null ? 0 : earliestEviction.getEpochSecond(), blocked.size());
        return new ScanResult(List.copyOf(announcements), List.copyOf(evicted));
    }

    private List<PodEvent> consider(Pod pod, PodRef ref, Instant now, List<EvictedPod> evicted) {
        String where = ref.namespace() + "/" + ref.name();
        Optional<InteractedPod> state;
        try {
            state = read(pod, ref);
        } catch (IllegalArgumentException e) {
            if (once.isNews(ref.uid() + "/unreadable")) {
                LOG.error("pod={}: interaction state is unreadable, it will not be evicted until fixed: {}", where,
                        e.getMessage());
                return List.of(events.skippedByPolicy(ref, "its interaction state is unreadable: " + e.getMessage()));
            }
            return List.of();
        }
        if (state.isEmpty()) {
            return List.of();
        }
        InteractedPod interacted = state.get();
        if (earliestEviction == null || interacted.evictionTime().isBefore(earliestEviction)) {
            earliestEviction = interacted.evictionTime();
        }
        boolean hasOwner = pod.getMetadata().getOwnerReferences() != null
                && !pod.getMetadata().getOwnerReferences().isEmpty();
        switch (schedule.decide(interacted, hasOwner, now)) {
            case WAIT:
                return List.of();
            case SKIP_DRY_RUN:
                return announceSkipOnce(ref, "audit mode (-dry-run) never evicts",
                        events.wouldBeEvicted(ref, interacted.evictionTime()));
            case SKIP_BARE_POD:
                String why = "the pod has no owner to recreate it (-evict-bare-pods=false)";
                return announceSkipOnce(ref, why, events.skippedByPolicy(ref, why));
            default:
                break;
        }
        if (!backoff.mayTry(ref.uid(), now)) {
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
                backoff.succeeded(ref.uid());
                blocked.remove(ref.uid());
                LOG.info("pod={} user={}: evicted, TTL expired at {}", where, interacted.interactor(),
                        interacted.evictionTime());
                evicted.add(new EvictedPod(ref, interacted.interactor(), interacted.evictionTime()));
                return List.of(events.evicted(ref, interacted.evictionTime()));
            case GONE:
                backoff.succeeded(ref.uid());
                blocked.remove(ref.uid());
                LOG.info("pod={}: already gone, nothing to evict", where);
                return List.of();
            case BLOCKED:
                blocked.add(ref.uid());
                EvictionBackoff.Retry retry = backoff.failed(ref.uid(), now);
                LOG.warn("pod={}: eviction blocked by a PodDisruptionBudget, retry #{} after {}: {}", where,
                        retry.failures(), retry.next(), outcome.detail());
                return retry.failures() == 1
                        ? List.of(events.blockedByDisruptionBudget(ref, outcome.detail()))
                        : List.of();
            default:
                EvictionBackoff.Retry failed = backoff.failed(ref.uid(), now);
                LOG.error("pod={}: eviction failed, retry #{} after {}: {}", where, failed.failures(), failed.next(),
                        outcome.detail());
                return List.of();
        }
    }

    /** The state on the pod, with the extension that counts: see {@link ExtensionClamp}. */
    private Optional<InteractedPod> read(Pod pod, PodRef ref) {
        Map<String, String> annotations = new HashMap<>(InteractionRecorder.annotations(pod));
        String extension = annotations.remove(keys.extendedDuration());
        ExtensionClamp.Counted counted = extensionClamp.count(extension);
        if (counted.why().isPresent() && once.isNews(ref.uid() + "/extension")) {
            LOG.warn("pod={}/{}: extension \"{}\" is {}", ref.namespace(), ref.name(), extension, counted.why().get());
        }
        return InteractedPod.read(keys, InteractionRecorder.labels(pod), annotations)
                .map(state -> state.withExtension(counted.extension()));
    }

    private List<PodEvent> announceSkipOnce(PodRef ref, String why, PodEvent announcement) {
        if (once.isNews(ref.uid())) {
            metrics.eviction("skipped");
            LOG.info("pod={}/{}: due, but not evicted: {}", ref.namespace(), ref.name(), why);
            return List.of(announcement);
        }
        return List.of();
    }
}
