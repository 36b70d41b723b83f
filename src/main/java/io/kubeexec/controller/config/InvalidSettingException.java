package io.kubeexec.controller.config;

/** A setting that stops start-up; the message is the one line the operator sees. */
public class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(String message) {
        super(message);
    }
}
