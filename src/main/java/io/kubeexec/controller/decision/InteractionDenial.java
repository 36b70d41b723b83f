package io.kubeexec.controller.decision;

import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.work.InteractionKind;

import java.util.Map;
import java.util.Optional;

/**
 * Deny by policy: the label {@code podInteractionPolicy=deny} on a pod or on its namespace denies every way into its
 * containers (exec, attach, cp, debug); port-forward reaches a port, not the container, and stays allowed. An explicit
 * policy: it wins over -exempt-users, -exempt-groups, -harmless-commands and audit mode. Only the namespaces the
 * controller never acts in (-namespace-allowlist, kube-system, its own) are outside it.
 */
public final class InteractionDenial {

    private final PodKeys keys;

    public InteractionDenial(PodKeys keys) {
        this.keys = keys;
    }

    /** The message to deny with, naming the label, or empty when the interaction is not denied. */
    public Optional<String> message(InteractionKind kind, Map<String, String> podLabels,
            Map<String, String> namespaceLabels) {
        if (kind == InteractionKind.PORTFORWARD) {
            return Optional.empty();
        }
        if (denies(podLabels)) {
            return Optional.of(what(kind) + " denied by the pod's label " + label());
        }
        if (denies(namespaceLabels)) {
            return Optional.of(what(kind) + " denied by the namespace's label " + label());
        }
        return Optional.empty();
    }

    /** Whether these labels carry the deny policy. */
    public boolean denies(Map<String, String> labels) {
        return PodKeys.POLICY_DENY.equals(labels.get(keys.interactionPolicy()));
    }

    private String label() {
        return keys.interactionPolicy() + "=" + PodKeys.POLICY_DENY;
    }

    private static String what(InteractionKind kind) {
        return switch (kind) {
            case CP -> "kubectl cp is";
            case DEBUG -> "kubectl debug is";
            case ATTACH -> "kubectl attach is";
            default -> "kubectl exec is";
        };
    }
}
