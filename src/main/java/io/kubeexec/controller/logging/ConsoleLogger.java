package io.kubeexec.controller.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line per event on standard output, the format a log collector splits easily:
 * {@code 2026-12-04T05:21:54.992Z INFO  [main] ControllerConfiguration - message}, then the stack trace of an exception.
 * System.out is read at each event, so that a test can capture it.
 */
final class ConsoleLogger extends LegacyAbstractLogger {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Level floor;
    private final String shortName;

    ConsoleLogger(String name) {
        this.name = name;
        this.floor = LogThresholds.floor(name);
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public boolean isTraceEnabled() {
        return LogThresholds.enabled(floor, Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LogThresholds.enabled(floor, Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LogThresholds.enabled(floor, Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return LogThresholds.enabled(floor, Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return LogThresholds.enabled(floor, Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        StringBuilder line = new StringBuilder(160);
        TIMESTAMP.formatTo(Instant.now(), line);
        line.append(' ').append(level.name());
        line.append(level.name().length() == 4 ? "  [" : " [");
        line.append(Thread.currentThread().getName()).append("] ").append(shortName).append(" - ");
        line.append(arguments == null || arguments.length == 0
                ? pattern : MessageFormatter.basicArrayFormat(pattern, arguments));
        line.append(System.lineSeparator());
        if (throwable != null) {
            StringWriter trace = new StringWriter();
            throwable.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        // One write per event: lines of concurrent events never interleave.
        System.out.print(line.toString());
    }
}
