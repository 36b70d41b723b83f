package io.kubeexec.controller.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every command-line flag. The first nine are the original controller's; their names and meanings are kept. Each
 * flag is also an environment variable ({@code KEC_TTL_SECONDS}) and a property of the same name in
 * {@code application.properties}, which holds the defaults.
 */
public enum Flag {
    API_SERVER("api-server", "URL of the Kubernetes API server; overrides the in-cluster/kubeconfig address"),
    CERT_PATH("cert-path", "PEM-encoded TLS certificate (chain) (required without -certificate-secret)"),
    KEY_PATH("key-path", "PEM-encoded unencrypted private key: PKCS#1, PKCS#8 or EC (required without -certificate-secret)"),
    EXTEND_CHAN_SIZE("extend-chan-size", "capacity of the extend queue"),
    INTERACT_CHAN_SIZE("interact-chan-size", "capacity of the interact queue"),
    LOG_LEVEL("log-level", "debug, info, warn or error"),
    NAMESPACE_ALLOWLIST("namespace-allowlist", "comma-separated namespaces whose pods are never labelled or evicted"),
    PORT("port", "HTTPS port of the two webhooks"),
    TTL_SECONDS("ttl-seconds", "time-to-live of an interacted pod before eviction; 0 allowed"),
    SCAN_INTERVAL("scan-interval", "how often the eviction scan runs (Go duration)"),
    ON_QUEUE_FULL("on-queue-full", "when a queue stays full: deny the request, or allow it untracked (deny|allow)"),
    ENQUEUE_TIMEOUT("enqueue-timeout", "how long the webhook waits for room in a full queue (Go duration)"),
    MAX_PENDING("max-pending", "most accepted, unrecorded interactions and extensions held in memory; more is then"
            + " refused like a full queue (-on-queue-full)"),
    MAX_EXTENSION("max-extension", "largest extension a user may request (Go duration)"),
    MAX_TTL("max-ttl", "largest TTL a podTTL annotation on a pod or namespace may ask for; larger is capped (Go duration)"),
    EXTENSION_GROUPS("extension-groups", "comma-separated groups whose members may extend; empty means anyone"),
    HARMLESS_COMMANDS("harmless-commands", "comma-separated programs whose direct exec (no shell) is recorded but sets"
            + " no TTL; empty: none"),
    EXEMPT_USERS("exempt-users", "comma-separated users whose interactions are logged and counted, not tracked"),
    EXEMPT_GROUPS("exempt-groups", "comma-separated groups whose members' interactions are logged and counted, not tracked"),
    DRY_RUN("dry-run", "audit mode: label, annotate and emit Events, never evict"),
    DETECT_PORTFORWARD("detect-portforward", "count kubectl port-forward as an interaction"),
    DETECT_DEBUG("detect-debug", "count kubectl debug (a new ephemeral container) as an interaction"),
    EVICT_BARE_PODS("evict-bare-pods", "evict pods that no controller owns too (gone for good); false records and announces them only"),
    MAX_BODY_BYTES("max-body-bytes", "largest AdmissionReview body accepted; larger gets 413"),
    REQUEST_TIMEOUT("request-timeout",
            "how long a client may take to send a request's headers, and then its body, before it is cut off (Go duration)"),
    KEY_PREFIX("key-prefix", "prefix of the pod label and annotation keys"),
    ROUTES_DIR("routes-dir", "directory of *.camel.yaml routes that replaces the built-in routes (those in the jar)"),
    ROUTES_EXTRA_DIR("routes-extra-dir", "directory of operator *.camel.yaml routes loaded in addition to the built-in ones"),
    ROUTES_EXCLUDE("routes-exclude", "comma-separated ids of built-in routes to leave out (each needs a replacement)"),
    ROUTES_RELOAD("routes-reload", "reload edited routes of -routes-extra-dir (else -routes-dir) without a restart"),
    ADMISSION_FAST_PATH("admission-fast-path",
            "answer the admission routes marked fastPath in the listener, without a Camel exchange (routes/README.md)"),
    BIND_ADDRESS("bind-address", "address the HTTPS listener binds to"),
    HEALTH_PORT("health-port", "plain-HTTP port of the probes (/health/liveness, /health/readiness) and /metrics"),
    HEALTH_BIND_ADDRESS("health-bind-address", "address the probes' and metrics' listener binds to"),
    SHUTDOWN_DELAY("shutdown-delay", "on SIGTERM, how long readiness reports 503 before the listener stops (Go duration)"),
    LEADER_ELECT("leader-elect", "run the eviction scan only on the replica holding the Lease (for several replicas)"),
    LEASE_NAMESPACE("lease-namespace", "namespace of the leader-election Lease (default: $POD_NAMESPACE, else default)"),
    CLIENT_CA_PATH("client-ca-path",
            "PEM CA certificate(s): the webhook port then requires a client certificate they signed (mutual TLS); empty: off"),
    CONTROLLER_NAMESPACE("controller-namespace",
            "the controller's own namespace, never tracked like kube-system (default: $POD_NAMESPACE, else kube-exec-controller)"),
    ON_UNRECORDABLE("on-unrecordable", "when the API server cannot be reached and the oldest unrecorded interaction has"
            + " waited longer than -unrecordable-after: allow new interactions (held in memory) or deny them (allow|deny)"),
    UNRECORDABLE_AFTER("unrecordable-after",
            "how long the oldest unrecorded interaction may wait before -on-unrecordable=deny denies (Go duration)"),
    HANDOVER_PEERS("handover-peers", "replicas that take over unrecorded work at shutdown: comma-separated"
            + " https://host:port URLs or DNS names (name[:port], e.g. a headless Service); this process is left out"),
    CERTIFICATE_SECRET("certificate-secret", "Secret of the controller's namespace in which it keeps its own CA and"
            + " serving certificate, renewed before expiry, instead of -cert-path and -key-path; empty: the files"),
    WEBHOOK_CONFIGURATION("webhook-configuration",
            "ValidatingWebhookConfiguration whose caBundle -certificate-secret keeps trusting its CA"),
    SERVICE_NAME("service-name", "the webhook's Service: -certificate-secret's certificate is for NAME, NAME.NS,"
            + " NAME.NS.svc and NAME.NS.svc.cluster.local (NS: -controller-namespace)"),
    CERTIFICATE_REFRESH("certificate-refresh", "how often every replica re-reads -certificate-secret and re-checks the"
            + " caBundle; each step of a rotation waits three times this (Go duration)");

    private final String flagName;
    private final String usage;

    Flag(String flagName, String usage) {
        this.flagName = flagName;
        this.usage = usage;
    }

    /** The name as typed after the dashes, and the property key. */
    public String flagName() {
        return flagName;
    }

    public String usage() {
        return usage;
    }

    public String envName() {
        return "KEC_" + flagName.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Go's flag package lets a boolean flag stand alone ({@code -dry-run}); the others need a value. */
    public boolean isBoolean() {
        return this == DRY_RUN || this == EVICT_BARE_PODS || this == LEADER_ELECT || this == DETECT_PORTFORWARD
                || this == DETECT_DEBUG || this == ROUTES_RELOAD || this == ADMISSION_FAST_PATH;
    }

    public static Optional<Flag> byName(String name) {
        return Arrays.stream(values()).filter(f -> f.flagName.equals(name)).findFirst();
    }
}
