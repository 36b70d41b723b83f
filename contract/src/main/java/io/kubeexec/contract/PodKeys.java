package io.kubeexec.contract;

/**
 * The label and annotation keys that carry an interacted pod's state. The controller writes them, the eviction
 * scan and {@code kubectl pi} read them; both are compiled from this one class. The default prefix
 * {@code box.com/} keeps compatibility with the original controller and plugin.
 */
public record PodKeys(String prefix) {

    public static final String DEFAULT_PREFIX = "box.com/";
    public static final PodKeys DEFAULT = new PodKeys(DEFAULT_PREFIX);

    public PodKeys {
        if (prefix == null || !prefix.matches("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?")) {
            throw new IllegalArgumentException(
                    "key prefix must be a DNS subdomain followed by '/', like box.com/: \"" + prefix + "\"");
        }
    }

    /** Label: Unix seconds of the first interaction. Its presence marks the pod as interacted. */
    public String initialInteractionTimestamp() {
        return prefix + "podInitialInteractionTimestamp";
    }

    /** Label: the first interactor's username, made a valid label value. */
    public String interactorUsername() {
        return prefix + "podInteractorUsername";
    }

    /** Label: the TTL as a Go duration. */
    public String ttlDuration() {
        return prefix + "podTTLDuration";
    }

    /** Annotation: eviction time in Go {@code Time.String()} form. */
    public String terminationTime() {
        return prefix + "podTerminationTime";
    }

    /** Annotation written by {@code kubectl pi extend}: a Go duration added on top of interaction + TTL. */
    public String extendedDuration() {
        return prefix + "podExtendedDuration";
    }

    /** Annotation: the raw username of whoever requested the extension. */
    public String extensionRequester() {
        return prefix + "podExtensionRequester";
    }

    /** Annotation (new): a bounded JSON list of every interaction, with full usernames. */
    public String interactions() {
        return prefix + "podInteractions";
    }

    /**
     * Annotation (new), on a pod or its namespace: the TTL to apply instead of -ttl-seconds, as a Go duration. The
     * pod's wins over the namespace's; both are capped by -max-ttl. The {@link #ttlDuration()} label records the
     * value applied.
     */
    public String requestedTtl() {
        return prefix + "podTTL";
    }

    /**
     * Label (new), on a pod or its namespace: {@value #TRACKING_DISABLED} opts the pod (or every pod of the namespace)
     * out of tracking. Decided at the first interaction; on a pod it can only be set when the pod is created.
     */
    public String tracking() {
        return prefix + "podInteractionTracking";
    }

    /**
     * Annotation (new), on a pod or its namespace: comma-separated programs whose direct exec is harmless there, in
     * addition to -harmless-commands: recorded in the history, but it sets no label and no TTL.
     */
    public String harmlessCommands() {
        return prefix + "podHarmlessCommands";
    }

    /** The value of {@link #tracking()} that opts out. */
    public static final String TRACKING_DISABLED = "disabled";

    /**
     * Label (new), on a pod or its namespace: {@value #POLICY_DENY} denies kubectl exec, attach, cp and debug there. On
     * a pod it can only be set when the pod is created, and never removed.
     */
    public String interactionPolicy() {
        return prefix + "podInteractionPolicy";
    }

    /** The value of {@link #interactionPolicy()} that denies. */
    public static final String POLICY_DENY = "deny";
}
