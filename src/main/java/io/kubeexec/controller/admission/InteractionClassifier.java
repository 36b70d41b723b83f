package io.kubeexec.controller.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeexec.controller.decision.CopyCommand;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a CONNECT request is an interaction and of which kind. {@code kubectl cp} is an exec of one of
 * the commands {@link CopyCommand} names; port-forwarding counts only when enabled.
 */
public final class InteractionClassifier {

    private final boolean portForwardIsInteraction;

    public InteractionClassifier(boolean portForwardIsInteraction) {
        this.portForwardIsInteraction = portForwardIsInteraction;
    }

    public Optional<Interaction> classify(AdmissionRequest request, Instant now) {
        if (!request.operation().equals("CONNECT") || !request.resource().equals("pods")) {
            return Optional.empty();
        }
        JsonNode options = request.object();
        List<String> command = new ArrayList<>();
        options.path("command").forEach(c -> command.add(c.asText()));
        InteractionKind kind;
        switch (request.subResource()) {
            case "exec" -> kind = CopyCommand.isCopy(command) ? InteractionKind.CP : InteractionKind.EXEC;
            case "attach" -> kind = InteractionKind.ATTACH;
            case "portforward" -> {
                if (!portForwardIsInteraction) {
                    return Optional.empty();
                }
                kind = InteractionKind.PORTFORWARD;
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(new Interaction(request.namespace(), request.name(), request.username(),
                request.groups(), kind, options.path("container").asText(""), List.copyOf(command), now));
    }
}
