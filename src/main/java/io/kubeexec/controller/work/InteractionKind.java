package io.kubeexec.controller.work;

import java.util.Locale;

/** How someone changed a running pod. The lower-case name is what the interactions annotation records. */
public enum InteractionKind {
    EXEC("kubectl exec/attach"),
    ATTACH("kubectl exec/attach"),
    CP("kubectl cp"),
    PORTFORWARD("kubectl port-forward"),
    DEBUG("kubectl debug");

    private final String command;

    InteractionKind(String command) {
        this.command = command;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The command Event 1 names: the original's "kubectl exec/attach" for exec and attach. */
    public String command() {
        return command;
    }
}
