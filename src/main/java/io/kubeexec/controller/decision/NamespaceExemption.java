package io.kubeexec.controller.decision;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a namespace's pods are left alone: never labelled, never annotated, never evicted. Whoever calls
 * the webhook, the controller never acts where the shipped webhook configurations do not send it: kube-system and
 * its own namespace are always exempt, whatever the flags say, and {@code -namespace-allowlist} adds to them.
 */
public final class NamespaceExemption {

    public static final String KUBE_SYSTEM = "kube-system";
    /** The namespace the manifests install the controller into, and its namespace when POD_NAMESPACE is not set. */
    public static final String DEFAULT_CONTROLLER_NAMESPACE = "kube-exec-controller";
    /**
     * The namespaces every webhook of kustomize/base/webhook.yaml leaves out by name. The manifests cannot read a
     * Java constant, so a test (WebhookPolicyTest) fails the build when the two lists differ.
     */
    public static final List<String> SHIPPED = List.of(DEFAULT_CONTROLLER_NAMESPACE, KUBE_SYSTEM);

    private final String controllerNamespace;
    private final Set<String> builtIn;
    private final Set<String> allowlist;

    public NamespaceExemption(String controllerNamespace, Set<String> allowlist) {
        this.controllerNamespace = controllerNamespace;
        Set<String> always = new HashSet<>(SHIPPED);
        always.add(controllerNamespace);
        this.builtIn = Set.copyOf(always);
        this.allowlist = Set.copyOf(allowlist);
    }

    /** The controller installed where the manifests put it. */
    public NamespaceExemption(Set<String> allowlist) {
        this(DEFAULT_CONTROLLER_NAMESPACE, allowlist);
    }

    public boolean isExempt(String namespace) {
        return builtIn.contains(namespace) || allowlist.contains(namespace);
    }

    /**
     * Why a namespace is exempt by the controller itself rather than by the operator's allowlist, if it is: the
     * shipped webhook configurations never send a review for it, so one that arrives was forged or comes from a
     * configuration without the namespaceSelector.
     */
    public Optional<String> builtInReason(String namespace) {
        if (!builtIn.contains(namespace)) {
            return Optional.empty();
        }
        return Optional.of(namespace.equals(controllerNamespace) ? "the controller's own namespace"
                : "a namespace the shipped webhooks exempt");
    }
}
