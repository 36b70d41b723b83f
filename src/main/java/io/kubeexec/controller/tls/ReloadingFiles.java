package io.kubeexec.controller.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the TLS listener builds from files that are rotated in place (cert-manager renews a mounted Secret): built at
 * start, and built again on a handshake once the files have changed, checked at most every 10 s. A build that fails
 * (a half-written rotation) keeps the previous value in service.
 */
final class ReloadingFiles<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingFiles.class);
    private static final long CHECK_EVERY_MILLIS = 10_000;

    private final List<Path> files;
    private final Supplier<T> build;
    private final String what;
    private final Clock clock;
    private volatile T current;
    private volatile String loadedStamp;
    private volatile Instant nextCheck;

    /** Builds once now: a failure here is the caller's to report (the controller does not start). */
    ReloadingFiles(List<Path> files, Supplier<T> build, String what, Clock clock) {
        this.files = List.copyOf(files);
        this.build = build;
        this.what = what;
        this.clock = clock;
        this.loadedStamp = stamp();
        this.current = build.get();
        this.nextCheck = clock.instant().plusMillis(CHECK_EVERY_MILLIS);
    }

    T current() {
        Instant now = clock.instant();
        if (now.isAfter(nextCheck)) {
            nextCheck = now.plusMillis(CHECK_EVERY_MILLIS);
            String stamp = stamp();
            if (!stamp.equals(loadedStamp)) {
                try {
                    current = build.get();
                    loadedStamp = stamp;
                    LOG.info("Reloaded the {} from {}", what, files.get(0));
                } catch (RuntimeException e) {
                    LOG.warn("Keeping the previous {}: {}", what, e.getMessage());
                }
            }
        }
        return current;
    }

    /** The value last built, without looking at the files. */
    T lastBuilt() {
        return current;
    }

    private String stamp() {
        StringBuilder stamp = new StringBuilder();
        try {
            for (Path file : files) {
                stamp.append(Files.getLastModifiedTime(file)).append('|').append(Files.size(file)).append('|');
            }
            return stamp.toString();
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
