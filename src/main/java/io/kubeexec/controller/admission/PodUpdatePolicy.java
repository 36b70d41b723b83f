package io.kubeexec.controller.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.work.ExtensionRequest;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides a pod UPDATE: the interaction labels are tamper-proof once set, the opt-out label can only come with the
 * pod's creation, the deny label only with it and for good, an extension request must be a sane Go duration from an allowed group, and a new ephemeral
 * container ({@code kubectl debug}) is an interaction.
 */
public final class PodUpdatePolicy {

    /** What to answer, what (if anything) to queue, and whether an extension request was refused. */
    public record Verdict(boolean allowed, String message, Optional<ExtensionRequest> extension,
            Optional<Interaction> interaction, boolean extensionDenied) {

        static Verdict allow() {
            return new Verdict(true, null, Optional.empty(), Optional.empty(), false);
        }

        static Verdict deny(String message) {
            return new Verdict(false, message, Optional.empty(), Optional.empty(), false);
        }

        static Verdict denyExtension(String message) {
            return new Verdict(false, message, Optional.empty(), Optional.empty(), true);
        }
    }

    private final PodKeys keys;
    private final Duration maxExtension;
    private final boolean debugIsInteraction;
    private final Set<String> extensionGroups;

    /** An empty {@code extensionGroups} lets anyone who may annotate the pod extend it. */
    public PodUpdatePolicy(PodKeys keys, Duration maxExtension, boolean debugIsInteraction,
            Set<String> extensionGroups) {
        this.keys = keys;
        this.maxExtension = maxExtension;
        this.debugIsInteraction = debugIsInteraction;
        this.extensionGroups = Set.copyOf(extensionGroups);
    }

    public Verdict evaluate(AdmissionRequest request, Instant now) {
        if (!request.operation().equals("UPDATE") || !request.resource().equals("pods")) {
            return Verdict.allow();
        }
        if (request.subResource().equals("ephemeralcontainers")) {
            return debugIsInteraction ? newEphemeralContainer(request, now) : Verdict.allow();
        }
        // A status update can change metadata too (labels included, seen on 1.20), so it is checked like a pod's.
        if (!request.subResource().isEmpty() && !request.subResource().equals("status")) {
            return Verdict.allow();
        }
        JsonNode oldLabels = request.oldObject().path("metadata").path("labels");
        JsonNode newLabels = request.object().path("metadata").path("labels");
        boolean interacted = oldLabels.has(keys.initialInteractionTimestamp());
        if (interacted) {
            Optional<String> tampered = tamperedLabels(oldLabels, newLabels);
            if (tampered.isPresent()) {
                return Verdict.deny(tampered.get());
            }
        }
        if (optingOut(oldLabels, newLabels)) {
            return Verdict.deny("The Pod label " + keys.tracking() + "=" + PodKeys.TRACKING_DISABLED
                    + " can only be set when the Pod is created");
        }
        if (isDeny(oldLabels) != isDeny(newLabels)) {
            return Verdict.deny("The Pod label " + keys.interactionPolicy() + "=" + PodKeys.POLICY_DENY
                    + " can only be set when the Pod is created, and cannot be removed");
        }
        String key = keys.extendedDuration();
        String oldValue = textOrNull(request.oldObject().path("metadata").path("annotations").path(key));
        String newValue = textOrNull(request.object().path("metadata").path("annotations").path(key));
        if (newValue == null || newValue.equals(oldValue)) {
            return Verdict.allow();
        }
        Duration extension;
        try {
            extension = GoDuration.parse(newValue.trim());
        } catch (IllegalArgumentException e) {
            return Verdict.denyExtension("The given annotation has an invalid value set in the Pod object: " + key);
        }
        if (extension.isNegative()) {
            return Verdict.denyExtension("The given annotation has a negative duration set in the Pod object: "
                    + key + "=" + newValue + " (an extension can only add time)");
        }
        if (extension.compareTo(maxExtension) > 0) {
            return Verdict.denyExtension("The given annotation exceeds the maximum extension of "
                    + GoDuration.format(maxExtension) + " in the Pod object: " + key + "=" + newValue);
        }
        if (!extensionGroups.isEmpty() && request.groups().stream().noneMatch(extensionGroups::contains)) {
            return Verdict.denyExtension("Extension denied by the rule -extension-groups: only members of "
                    + String.join(", ", new TreeSet<>(extensionGroups)) + " may set " + key + ", and user '"
                    + request.username() + "' is in none of them");
        }
        if (!interacted) {
            return Verdict.allow(); // nothing to extend yet; the value is kept and counts once it is interacted
        }
        String podUid = request.object().path("metadata").path("uid").asText("");
        return new Verdict(true, null, Optional.of(new ExtensionRequest(request.namespace(), request.name(),
                podUid, newValue.trim(), extension, request.username(), now)), Optional.empty(), false);
    }

    private Optional<String> tamperedLabels(JsonNode oldLabels, JsonNode newLabels) {
        boolean original = changed(oldLabels, newLabels, keys.initialInteractionTimestamp())
                || changed(oldLabels, newLabels, keys.ttlDuration());
        boolean username = changed(oldLabels, newLabels, keys.interactorUsername());
        if (!original && !username) {
            return Optional.empty();
        }
        // The original's exact message when its two labels are touched; the username label is protected too.
        StringBuilder message = new StringBuilder("The following Pod labels cannot be updated or removed once set:");
        if (original) {
            message.append(' ').append(keys.initialInteractionTimestamp()).append(' ').append(keys.ttlDuration());
        }
        if (username) {
            message.append(' ').append(keys.interactorUsername());
        }
        return Optional.of(message.toString());
    }

    /** The opt-out label appears on an existing pod: it would let anyone who may label a pod escape tracking. */
    private boolean optingOut(JsonNode oldLabels, JsonNode newLabels) {
        return PodKeys.TRACKING_DISABLED.equals(textOrNull(newLabels.path(keys.tracking())))
                && !PodKeys.TRACKING_DISABLED.equals(textOrNull(oldLabels.path(keys.tracking())));
    }

    /** The deny policy is fixed for a pod's life: added later, or removed, it would be a policy nobody set. */
    private boolean isDeny(JsonNode labels) {
        return PodKeys.POLICY_DENY.equals(textOrNull(labels.path(keys.interactionPolicy())));
    }

    private static boolean changed(JsonNode oldLabels, JsonNode newLabels, String key) {
        return oldLabels.has(key) && !Objects.equals(textOrNull(oldLabels.path(key)), textOrNull(newLabels.path(key)));
    }

    private Verdict newEphemeralContainer(AdmissionRequest request, Instant now) {
        Set<String> before = new HashSet<>();
        ephemeralContainers(request.oldObject()).forEach(c -> before.add(c.path("name").asText()));
        for (JsonNode container : ephemeralContainers(request.object())) {
            if (!before.contains(container.path("name").asText())) {
                List<String> command = new ArrayList<>();
                container.path("command").forEach(c -> command.add(c.asText()));
                container.path("args").forEach(c -> command.add(c.asText()));
                return new Verdict(true, null, Optional.empty(), Optional.of(new Interaction(request.namespace(),
                        request.name(), request.username(), request.groups(), InteractionKind.DEBUG,
                        container.path("name").asText(""), List.copyOf(command), now)), false);
            }
        }
        return Verdict.allow();
    }

    /** A Pod (1.22+) or, on 1.16-1.21 API servers, an EphemeralContainers object. */
    private static JsonNode ephemeralContainers(JsonNode object) {
        JsonNode inPod = object.path("spec").path("ephemeralContainers");
        return inPod.isArray() ? inPod : object.path("ephemeralContainers");
    }

    private static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
