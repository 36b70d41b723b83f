package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.MicroTimeBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.GoTime;
import io.kubeexec.controller.decision.EvictionSchedule;
import io.kubeexec.controller.work.InteractionKind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * The Events announced on a pod, created as events.k8s.io/v1 (which refuses the deprecated source and count: the
 * core/v1 view shows reportingController as their component). Texts 1-3 are the original controller's. Each Event's name is derived from the pod
 * UID and what it says, so a retried or restarted controller creates it once (the API server answers 409).
 */
public final class PodEvents {

    public static final String REASON = "PodInteraction";
    public static final String COMPONENT = "kube-exec-controller";
    /** The API server parses MicroTime with exactly six fraction digits: ".924Z" is refused with a 400. */
    static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final String instance;
    private final boolean auditMode;

    /** In audit mode ({@code -dry-run}) the eviction Events say what would happen, since nothing is evicted. */
    public PodEvents(Clock clock, String instance, boolean auditMode) {
        this.clock = clock;
        this.instance = instance;
        this.auditMode = auditMode;
    }

    /** Event 1: the original's text for exec and attach; cp, port-forward and debug are named as such. */
    public PodEvent interacted(PodRef pod, InteractionKind kind, String username, Instant at) {
        return event(pod, "Interact", "Pod was interacted with '" + kind.command() + "' command by a user '"
                + username + "' initially at time " + GoTime.format(at));
    }

    /**
     * A harmless exec (-harmless-commands): recorded in the history, but no TTL. A Normal Event, not a Warning: the pod
     * is not going to be evicted for it.
     */
    public PodEvent harmless(PodRef pod, List<String> command, String username, Instant at, String listedBy) {
        String note = "Pod was interacted with the harmless command '" + String.join(" ", command) + "' by a user '"
                + username + "' at time " + GoTime.format(at) + " (listed by " + listedBy
                + "): it sets no TTL and does not make the pod evictable";
        return event(pod, "Interact", note, note, "Normal");
    }

    /** Event 2. */
    public PodEvent willBeEvicted(PodRef pod, Instant evictionTime) {
        Duration left = EvictionSchedule.roundedToSeconds(Duration.between(clock.instant(), evictionTime));
        String when = "at time " + GoTime.format(evictionTime) + " (in about " + GoDuration.format(left) + ")";
        return event(pod, "Schedule", auditMode
                ? "Pod would be evicted " + when + "; audit mode (-dry-run) never evicts"
                : "Pod will be evicted " + when, "schedule " + evictionTime);
    }

    /** Event 3. */
    public PodEvent extended(PodRef pod, String extension, String username, Instant evictionTime) {
        return event(pod, "Extend", "Pod eviction time has been extended by '" + extension
                + "', as requested from user '" + username + "'. New eviction time: " + GoTime.format(evictionTime));
    }

    public PodEvent evicted(PodRef pod, Instant evictionTime) {
        return event(pod, "Evict", "Pod was evicted because its interaction TTL expired at time "
                + GoTime.format(evictionTime));
    }

    public PodEvent blockedByDisruptionBudget(PodRef pod, String detail) {
        // Announced once per pod: later blocked attempts are only logged.
        return event(pod, "Evict", "Pod eviction is blocked by a PodDisruptionBudget; it will be retried: " + detail,
                "blocked");
    }

    /** Audit mode, once the pod is due. */
    public PodEvent wouldBeEvicted(PodRef pod, Instant evictionTime) {
        return event(pod, "Evict", "Pod would be evicted at time " + GoTime.format(evictionTime)
                + " because its interaction TTL expired; audit mode (-dry-run) never evicts");
    }

    public PodEvent skippedByPolicy(PodRef pod, String why) {
        return event(pod, "Evict", "Pod eviction was skipped by policy: " + why);
    }

    private PodEvent event(PodRef pod, String action, String note) {
        return event(pod, action, note, note);
    }

    private PodEvent event(PodRef pod, String action, String note, String identity) {
        return event(pod, action, note, identity, "Warning");
    }

    private PodEvent event(PodRef pod, String action, String note, String identity, String type) {
        Instant now = clock.instant();
        EventBuilder event = new EventBuilder()
                .withEventTime(new MicroTimeBuilder().withTime(MICRO_TIME.format(now)).build())
                .withType(type)
                .withReason(REASON)
                .withAction(action)
                .withNote(note)
                .withReportingController(COMPONENT)
                .withReportingInstance(instance)
                .withRegarding(new ObjectReferenceBuilder()
                        .withApiVersion("v1").withKind("Pod")
                        .withNamespace(pod.namespace()).withName(pod.name()).withUid(pod.uid())
                        .build());
        return new PodEvent(pod.namespace(), name(pod, identity), event);
    }

    private static String name(PodRef pod, String identity) {
        String base = pod.name().length() > 200 ? pod.name().substring(0, 200) : pod.name();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((pod.uid() + "\n" + identity).getBytes(StandardCharsets.UTF_8));
            return base + ".kec-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
