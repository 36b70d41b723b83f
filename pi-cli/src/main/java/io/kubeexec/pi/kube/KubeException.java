package io.kubeexec.pi.kube;

/** A failure to reach or use the API server, with a message meant for the user; {@code status} is 0 if none. */
public class KubeException extends RuntimeException {

    private final int status;

    public KubeException(String message) {
        this(message, 0, null);
    }

    public KubeException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    public KubeException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
