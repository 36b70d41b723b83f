package io.kubeexec.controller.admission;

import java.util.Set;

/** Decides whether a namespace's pods are left alone: never labelled, never evicted. */
public final class NamespaceExemption {

    private final Set<String> allowlist;

    public NamespaceExemption(Set<String> allowlist) {
        this.allowlist = Set.copyOf(allowlist);
    }

    public boolean isExempt(String namespace) {
        return allowlist.contains(namespace);
    }
}
