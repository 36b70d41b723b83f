package io.kubeexec.pi;

import io.kubeexec.pi.kube.ConnectionFlags;

/** Turns the connection flags into a namespace and a way to reach pods, the way kubectl would. */
public interface Connector {

    /** The namespace the flags and kubeconfig select, and the pods API; closed when the command ends. */
    interface Connection extends AutoCloseable {
        String namespace();

        Pods pods();

        @Override
        void close();
    }

    Connection connect(ConnectionFlags flags);
}
