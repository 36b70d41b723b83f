package io.kubeexec.pi.kube;

/** A failure to reach or use the API server, with a message meant for the user; {@code status} is 0 if none. */
public class KubeException extends RuntimeException {

    private final int status;
    private final String reason;

    public KubeException(String message) {
        this(message, 0, null, null);
    }

    public KubeException(String message, Throwable cause) {
        this(message, 0, null, cause);
    }

    public KubeException(String message, int status, String reason, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    /** The API Status reason, e.g. {@code NotFound}, or null. */
    public String reason() {
        return reason;
    }

    public boolean notFound() {
        return status == 404;
    }
}
