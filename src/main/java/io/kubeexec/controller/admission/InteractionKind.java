package io.kubeexec.controller.admission;

/** How someone changed a running pod. The lower-case name is what the interactions annotation records. */
public enum InteractionKind {
    EXEC, ATTACH, CP, PORTFORWARD, DEBUG;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
