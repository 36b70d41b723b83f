package io.kubeexec.controller.decision;

import io.kubeexec.contract.GoDuration;

import java.time.Duration;
import java.util.Optional;

/**
 * The extension the eviction scan counts. The webhook validates extensions, but it never sees one set at a pod's
 * creation or before its first interaction. So an unreadable or negative extension counts as none, and a larger one
 * as {@code -max-extension}: no annotation can keep a pod forever.
 */
public final class ExtensionClamp {

    /** The extension to count (empty: none), and why the annotation was not taken as written (empty: it was). */
    public record Counted(Optional<Duration> extension, Optional<String> why) {
    }

    private final Duration maxExtension;

    public ExtensionClamp(Duration maxExtension) {
        this.maxExtension = maxExtension;
    }

    /** {@code annotation}: the pod's extension annotation, or null when it has none. */
    public Counted count(String annotation) {
        if (annotation == null) {
            return new Counted(Optional.empty(), Optional.empty());
        }
        Duration extension;
        try {
            extension = GoDuration.parse(annotation.trim());
        } catch (IllegalArgumentException e) {
            return new Counted(Optional.empty(), Optional.of("not a Go duration, counted as none"));
        }
        if (extension.isNegative()) {
            return new Counted(Optional.empty(), Optional.of("negative, counted as none"));
        }
        if (extension.compareTo(maxExtension) > 0) {
            return new Counted(Optional.of(maxExtension),
                    Optional.of("above -max-extension, counted as " + GoDuration.format(maxExtension)));
        }
        return new Counted(Optional.of(extension), Optional.empty());
    }
}
