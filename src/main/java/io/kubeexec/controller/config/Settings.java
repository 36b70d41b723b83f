package io.kubeexec.controller.config;

import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.decision.ExemptInteractors;
import io.kubeexec.controller.decision.HarmlessCommand;
import io.kubeexec.controller.decision.NamespaceExemption;
import io.kubeexec.controller.handover.HandoverPeers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validated settings of one controller process. Built from the raw flag values (flags over environment over
 * {@code application.properties}); any invalid value stops start-up with one line naming the flag.
 */
public record Settings(
        String apiServer,
        Path certPath,
        Path keyPath,
        int extendQueueSize,
        int interactQueueSize,
        String logLevel,
        Set<String> namespaceAllowlist,
        int port,
        Duration ttl,
        Duration scanInterval,
        boolean denyWhenQueueFull,
        Duration enqueueTimeout,
        Duration maxExtension,
        Duration maxTtl,
        Set<String> extensionGroups,
        boolean dryRun,
        boolean detectPortForward,
        boolean detectDebug,
        boolean evictBarePods,
        long maxBodyBytes,
        PodKeys keys,
        String routesDir,
        String routesExtraDir,
        List<String> routesExclude,
        boolean routesReload,
        boolean admissionFastPath,
        String bindAddress,
        int healthPort,
        String healthBindAddress,
        Duration shutdownDelay,
        boolean leaderElect,
        String leaseNamespace,
        String controllerNamespace,
        Optional<Path> clientCaPath,
        boolean denyWhenUnrecordable,
        Duration unrecordableAfter,
        HandoverPeers handoverPeers,
        String certificateSecret,
        String webhookConfiguration,
        String serviceName,
        Duration certificateRefresh,
        Map<Flag, String> raw) {

    private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error");

    /** The settings of these flag values, outside a pod (no POD_NAMESPACE): the tests'. */
    public static Settings from(Map<Flag, String> values) {
        return from(values, Map.of());
    }

    /**
     * The settings of these flag values; {@code environment} gives POD_NAMESPACE (the Downward API's), the default of
     * -lease-namespace and -controller-namespace.
     */
    public static Settings from(Map<Flag, String> values, Map<String, String> environment) {
        String podNamespace = environment.get("POD_NAMESPACE");
        Map<Flag, String> raw = new EnumMap<>(Flag.class);
        raw.putAll(values);
        for (Flag flag : Flag.values()) {
            raw.putIfAbsent(flag, "");
        }
        String logLevel = raw.get(Flag.LOG_LEVEL).trim().toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw invalid(Flag.LOG_LEVEL, raw, "must be one of debug, info, warn, error");
        }
        String onQueueFull = raw.get(Flag.ON_QUEUE_FULL).trim();
        if (!onQueueFull.equals("deny") && !onQueueFull.equals("allow")) {
            throw invalid(Flag.ON_QUEUE_FULL, raw, "must be deny or allow");
        }
        String onUnrecordable = raw.get(Flag.ON_UNRECORDABLE).trim();
        if (!onUnrecordable.equals("deny") && !onUnrecordable.equals("allow")) {
            throw invalid(Flag.ON_UNRECORDABLE, raw, "must be allow or deny");
        }
        Duration unrecordableAfter = duration(Flag.UNRECORDABLE_AFTER, raw);
        if (unrecordableAfter.toMillis() < 1000) {
            throw invalid(Flag.UNRECORDABLE_AFTER, raw, "must be at least 1s");
        }
        String apiServer = raw.get(Flag.API_SERVER).trim();
        if (!apiServer.isEmpty() && !apiServer.matches("https?://.+")) {
            throw invalid(Flag.API_SERVER, raw, "must be an http(s) URL");
        }
        PodKeys keys;
        try {
            keys = new PodKeys(raw.get(Flag.KEY_PREFIX).trim());
        } catch (IllegalArgumentException e) {
            throw invalid(Flag.KEY_PREFIX, raw, e.getMessage());
        }
        long ttlSeconds = integer(Flag.TTL_SECONDS, raw, 0, Long.MAX_VALUE / 1_000_000_000L);
        Duration scanInterval = duration(Flag.SCAN_INTERVAL, raw);
        if (scanInterval.toMillis() < 100) {
            throw invalid(Flag.SCAN_INTERVAL, raw, "must be at least 100ms");
        }
        Duration ttl = Duration.ofSeconds(ttlSeconds);
        Duration maxTtl = nonNegative(Flag.MAX_TTL, raw);
        if (ttl.compareTo(maxTtl) > 0) {
            throw invalid(Flag.MAX_TTL, raw, "must not be below -ttl-seconds (" + ttlSeconds + "s)");
        }
        String routesDir = directory(Flag.ROUTES_DIR, raw);
        String routesExtraDir = directory(Flag.ROUTES_EXTRA_DIR, raw);
        boolean routesReload = bool(Flag.ROUTES_RELOAD, raw);
        if (routesReload && routesDir.isEmpty() && routesExtraDir.isEmpty()) {
            throw invalid(Flag.ROUTES_RELOAD, raw,
                    "needs -routes-extra-dir or -routes-dir (the routes in the jar cannot change)");
        }
        requestTimeout(raw);
        int port = (int) integer(Flag.PORT, raw, 1, 65535);
        int healthPort = (int) integer(Flag.HEALTH_PORT, raw, 1, 65535);
        if (healthPort == port) {
            throw invalid(Flag.HEALTH_PORT, raw, "must differ from -port: the webhook port serves only the webhooks");
        }
        HandoverPeers handoverPeers;
        try {
            handoverPeers = HandoverPeers.parse(raw.get(Flag.HANDOVER_PEERS), port);
        } catch (IllegalArgumentException e) {
            throw invalid(Flag.HANDOVER_PEERS, raw, e.getMessage());
        }
        String leaseNamespace = raw.get(Flag.LEASE_NAMESPACE).trim();
        if (leaseNamespace.isEmpty()) {
            leaseNamespace = podNamespace != null ? podNamespace : "default";
        }
        String controllerNamespace = raw.get(Flag.CONTROLLER_NAMESPACE).trim();
        if (controllerNamespace.isEmpty()) {
            controllerNamespace = podNamespace != null ? podNamespace
                    : NamespaceExemption.DEFAULT_CONTROLLER_NAMESPACE;
        }
        integer(Flag.MAX_PENDING, raw, 1, 10_000_000); // read by maxPending(): valid before anything starts
        harmlessCommands(raw); // likewise
        String certificateSecret = raw.get(Flag.CERTIFICATE_SECRET).trim();
        boolean selfManaged = !certificateSecret.isEmpty();
        if (selfManaged) {
            if (!raw.get(Flag.CERT_PATH).isBlank() || !raw.get(Flag.KEY_PATH).isBlank()) {
                throw new InvalidSettingException("-certificate-secret and -cert-path/-key-path exclude each other:"
                        + " give the Secret (self-managed certificates) or the two files");
            }
            objectName(Flag.CERTIFICATE_SECRET, raw);
        }
        Duration certificateRefresh = duration(Flag.CERTIFICATE_REFRESH, raw);
        if (certificateRefresh.toMillis() < 1000) {
            throw invalid(Flag.CERTIFICATE_REFRESH, raw, "must be at least 1s");
        }
        return new Settings(
                apiServer,
                selfManaged ? null : readableFile(Flag.CERT_PATH, raw),
                selfManaged ? null : readableFile(Flag.KEY_PATH, raw),
                (int) integer(Flag.EXTEND_CHAN_SIZE, raw, 1, 1_000_000),
                (int) integer(Flag.INTERACT_CHAN_SIZE, raw, 1, 1_000_000),
                logLevel,
                list(Flag.NAMESPACE_ALLOWLIST, raw),
                port,
                ttl,
                scanInterval,
                onQueueFull.equals("deny"),
                nonNegative(Flag.ENQUEUE_TIMEOUT, raw),
                nonNegative(Flag.MAX_EXTENSION, raw),
                maxTtl,
                list(Flag.EXTENSION_GROUPS, raw),
                bool(Flag.DRY_RUN, raw),
                bool(Flag.DETECT_PORTFORWARD, raw),
                bool(Flag.DETECT_DEBUG, raw),
                bool(Flag.EVICT_BARE_PODS, raw),
                integer(Flag.MAX_BODY_BYTES, raw, 1024, Integer.MAX_VALUE),
                keys,
                routesDir,
                routesExtraDir,
                routeIds(Flag.ROUTES_EXCLUDE, raw),
                routesReload,
                bool(Flag.ADMISSION_FAST_PATH, raw),
                raw.get(Flag.BIND_ADDRESS).trim(),
                healthPort,
                raw.get(Flag.HEALTH_BIND_ADDRESS).trim(),
                nonNegative(Flag.SHUTDOWN_DELAY, raw),
                bool(Flag.LEADER_ELECT, raw),
                leaseNamespace,
                controllerNamespace,
                optionalReadableFile(Flag.CLIENT_CA_PATH, raw),
                onUnrecordable.equals("deny"),
                unrecordableAfter,
                handoverPeers,
                certificateSecret,
                objectName(Flag.WEBHOOK_CONFIGURATION, raw),
                objectName(Flag.SERVICE_NAME, raw),
                certificateRefresh,
                Map.copyOf(raw));
    }

    /** True with -certificate-secret: the controller keeps its own certificates; certPath and keyPath are null. */
    public boolean selfManagedCertificates() {
        return !certificateSecret.isEmpty();
    }

    /**
     * How long a client may take to send a request's headers, and then its body, before the connection is closed: a
     * stalled or dribbling client (slow loris) is cut off instead of holding a connection forever.
     */
    public Duration requestTimeout() {
        return requestTimeout(raw);
    }

    private static Duration requestTimeout(Map<Flag, String> raw) {
        Duration timeout = duration(Flag.REQUEST_TIMEOUT, raw);
        if (timeout.toMillis() < 100) {
            throw invalid(Flag.REQUEST_TIMEOUT, raw, "must be at least 100ms");
        }
        return timeout;
    }

    /** The values the start-up hands to Camel: one per flag, and where the routes come from. */
    public Map<String, String> camelProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        raw.forEach((flag, value) -> props.put(flag.flagName(), value));
        props.putAll(routeProperties(routesDir, routesExtraDir, routesReload));
        return props;
    }

    /**
     * Camel Main's route loading: the built-in routes (from the jar, or -routes-dir instead), then the operator's
     * -routes-extra-dir. With -routes-reload, the extra directory (else -routes-dir) is watched, and a reload only
     * replaces the routes of the edited file: a broken edit fails before anything is removed, so the last good
     * routes keep running.
     */
    public static Map<String, String> routeProperties(String routesDir, String routesExtraDir, boolean reload) {
        Map<String, String> props = new LinkedHashMap<>();
        String builtIn = routesDir.isEmpty() ? "classpath:routes/*.camel.yaml" : "file:" + routesDir + "/*.camel.yaml";
        props.put("camel.main.routes-include-pattern",
                routesExtraDir.isEmpty() ? builtIn : builtIn + ",file:" + routesExtraDir + "/*.camel.yaml");
        props.put("camel.main.routes-reload-enabled", Boolean.toString(reload));
        if (reload) {
            props.put("camel.main.routes-reload-directory", routesExtraDir.isEmpty() ? routesDir : routesExtraDir);
            props.put("camel.main.routes-reload-pattern", "*.camel.yaml");
            props.put("camel.main.routes-reload-remove-all-routes", "false");
        }
        return props;
    }

    /** Placeholders the routes use that are derived from flags: Go durations become milliseconds. */
    /** -max-pending: the most pods the ledger of unrecorded work holds. */
    public int maxPending() {
        return (int) integer(Flag.MAX_PENDING, raw, 1, 10_000_000);
    }

    /** -harmless-commands, which must name no shell. */
    public Set<String> harmlessCommands() {
        return harmlessCommands(raw);
    }

    private static Set<String> harmlessCommands(Map<Flag, String> raw) {
        Set<String> commands = list(Flag.HARMLESS_COMMANDS, raw);
        try {
            HarmlessCommand.refuseShells(commands, "it");
        } catch (IllegalArgumentException e) {
            throw invalid(Flag.HARMLESS_COMMANDS, raw, e.getMessage());
        }
        return commands;
    }

    /** -exempt-users and -exempt-groups. */
    public ExemptInteractors exemptInteractors() {
        return new ExemptInteractors(list(Flag.EXEMPT_USERS, raw), list(Flag.EXEMPT_GROUPS, raw));
    }

    public Map<String, String> derivedRouteProperties() {
        return Map.of(
                Flag.INTERACT_CHAN_SIZE.flagName(), Integer.toString(interactQueueSize),
                Flag.EXTEND_CHAN_SIZE.flagName(), Integer.toString(extendQueueSize),
                Flag.PORT.flagName(), Integer.toString(port),
                Flag.HEALTH_PORT.flagName(), Integer.toString(healthPort),
                "scan-interval-millis", Long.toString(scanInterval.toMillis()),
                "enqueue-timeout-millis", Long.toString(Math.max(1, enqueueTimeout.toMillis())));
    }

    private static String directory(Flag flag, Map<Flag, String> raw) {
        String dir = raw.get(flag).trim();
        if (!dir.isEmpty() && !Files.isDirectory(Path.of(dir))) {
            throw invalid(flag, raw, "is not a directory");
        }
        return dir;
    }

    /** A Kubernetes object name (DNS subdomain). */
    private static String objectName(Flag flag, Map<Flag, String> raw) {
        String name = raw.get(flag).trim();
        if (!name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw invalid(flag, raw, "must be a Kubernetes object name (lower-case letters, digits, '-', '.')");
        }
        return name;
    }

    private static Set<String> list(Flag flag, Map<Flag, String> raw) {
        return Arrays.stream(raw.get(flag).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /** Route ids as the routes spell them (kebab-case); no patterns, so an exclusion names exactly one route. */
    private static List<String> routeIds(Flag flag, Map<Flag, String> raw) {
        List<String> ids = Arrays.stream(raw.get(flag).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        for (String id : ids) {
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw invalid(flag, raw, "\"" + id + "\" is not a route id (letters, digits, '.', '_', '-')");
            }
        }
        return ids;
    }

    private static Path readableFile(Flag flag, Map<Flag, String> raw) {
        String value = raw.get(flag).trim();
        if (value.isEmpty()) {
            throw new InvalidSettingException("-" + flag.flagName() + " is required (or " + flag.envName() + ")");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw invalid(flag, raw, "is not a readable file");
        }
        return path;
    }

    private static Optional<Path> optionalReadableFile(Flag flag, Map<Flag, String> raw) {
        return raw.get(flag).trim().isEmpty() ? Optional.empty() : Optional.of(readableFile(flag, raw));
    }

    private static long integer(Flag flag, Map<Flag, String> raw, long min, long max) {
        long value;
        try {
            value = Long.parseLong(raw.get(flag).trim());
        } catch (NumberFormatException e) {
            throw invalid(flag, raw, "must be a whole number");
        }
        if (value < min || value > max) {
            throw invalid(flag, raw, min == 0 && value < 0 ? "must not be negative"
                    : "must be between " + min + " and " + max);
        }
        return value;
    }

    private static Duration duration(Flag flag, Map<Flag, String> raw) {
        try {
            return GoDuration.parse(raw.get(flag).trim());
        } catch (IllegalArgumentException e) {
            throw invalid(flag, raw, "must be a Go duration like 5s, 1m30s or 2h (" + e.getMessage() + ")");
        }
    }

    private static Duration nonNegative(Flag flag, Map<Flag, String> raw) {
        Duration d = duration(flag, raw);
        if (d.isNegative()) {
            throw invalid(flag, raw, "must not be negative");
        }
        return d;
    }

    private static boolean bool(Flag flag, Map<Flag, String> raw) {
        // The spellings Go's strconv.ParseBool accepts.
        return switch (raw.get(flag).trim()) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False", "" -> false;
            default -> throw invalid(flag, raw, "must be true or false");
        };
    }

    private static InvalidSettingException invalid(Flag flag, Map<Flag, String> raw, String why) {
        return new InvalidSettingException(
                "invalid value \"" + raw.get(flag) + "\" for -" + flag.flagName() + ": " + why);
    }
}
