package io.kubeexec.controller.observe;


import io.kubeexec.contract.GoTime;
import io.kubeexec.controller.kube.EvictedPod;
import io.kubeexec.controller.kube.ScanResult;
import io.kubeexec.controller.work.ExtensionRequest;
import io.kubeexec.controller.work.Interaction;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies the built-in routes publish to observers ({@code seda:interaction-recorded},
 * {@code seda:extension-recorded}, {@code seda:pod-evicted}): plain maps of strings and lists of strings, so a route
 * can read {@code ${body[pod]}} or marshal them to JSON as they are. This is a contract (routes/README.md): fields
 * are only ever added, never renamed or removed. Times are RFC 3339 in UTC, to the second.
 */
public final class Observations {

    /** The value of the {@code type} field, and of the header {@code KecObservation}. */
    public static final String INTERACTION = "interaction";
    public static final String EXTENSION = "extension";
    public static final String EVICTION = "eviction";

    private final Clock clock;

    public Observations(Clock clock) {
        this.clock = clock;
    }

    /**
     * What the interact worker has recorded on the pod (the first interaction, or a later one): one body per
     * interaction, those coalesced with it included.
     */
    public List<Map<String, Object>> interaction(Interaction interaction) {
        return interaction.all().stream().map(this::one).toList();
    }

    private Map<String, Object> one(Interaction interaction) {
        Map<String, Object> body = start(INTERACTION, interaction.namespace(), interaction.pod());
        body.put("user", interaction.username());
        body.put("groups", List.copyOf(interaction.groups()));
        body.put("kind", interaction.kind().label());
        body.put("container", interaction.container());
        body.put("command", List.copyOf(interaction.command()));
        body.put("time", rfc3339(interaction.time()));
        body.put("text", "kubectl " + interaction.kind().label() + " by '" + interaction.username() + "' on pod "
                + interaction.namespace() + "/" + interaction.pod()
                + (interaction.container().isEmpty() ? "" : " (container " + interaction.container() + ")"));
        return Collections.unmodifiableMap(body);
    }

    /** An extension the extend worker has recorded on the pod. */
    public Map<String, Object> extension(ExtensionRequest request) {
        Map<String, Object> body = start(EXTENSION, request.namespace(), request.pod());
        body.put("user", request.username());
        body.put("extension", request.extensionText());
        body.put("time", rfc3339(request.time()));
        body.put("text", "'" + request.username() + "' extended the eviction time of pod " + request.namespace() + "/"
                + request.pod() + " by " + request.extensionText());
        return Collections.unmodifiableMap(body);
    }

    /** One body per pod the scan has just evicted. */
    public List<Map<String, Object>> evictions(ScanResult scan) {
        return scan.evicted().stream().map(this::eviction).toList();
    }

    Map<String, Object> eviction(EvictedPod evicted) {
        Map<String, Object> body = start(EVICTION, evicted.pod().namespace(), evicted.pod().name());
        body.put("uid", evicted.pod().uid());
        body.put("interactor", evicted.interactor());
        body.put("evictionTime", rfc3339(evicted.evictionTime()));
        body.put("time", rfc3339(clock.instant()));
        body.put("text", "Pod " + evicted.pod().namespace() + "/" + evicted.pod().name() + " was evicted: its "
                + "interaction TTL expired at " + GoTime.format(evicted.evictionTime()) + " (interacted by '"
                + evicted.interactor() + "')");
        return Collections.unmodifiableMap(body);
    }

    private static Map<String, Object> start(String type, String namespace, String pod) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("namespace", namespace);
        body.put("pod", pod);
        return body;
    }

    private static String rfc3339(Instant time) {
        return time.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
