package io.kubeexec.controller.logging;

import org.slf4j.event.Level;

import java.util.List;
import java.util.Locale;

/**
 * Which events a logger writes: those at or above the level of {@code -log-level}, and for the chatty libraries listed
 * here at least warnings only. Camel's and the HTTP stack's info lines repeat what the controller's own one-line
 * account of its flags says; Camel's Main start and stop lines would end a stop's output after the controller's own
 * account of the work (DrainWatch).
 */
public final class LogThresholds {

    /** Loggers (and their children) that write warnings and errors only, whatever {@code -log-level} says. */
    static final List<String> WARN_AT_LEAST = List.of("org.apache.camel.impl", "org.apache.camel.main.MainSupport",
            "org.apache.camel.main.DefaultMainShutdownStrategy", "org.xnio", "io.undertow", "org.quartz", "io.fabric8",
            "org.jboss");

    /**
     * Loggers that write errors only: the JDK WebSocket under the watch of the deny labels warns, with a stack trace,
     * each time an API server outage drops the watch; the watch resumes by itself, and an outage is reported already.
     */
    static final List<String> ERROR_AT_LEAST = List.of("io.fabric8.kubernetes.client.jdkhttp.JdkWebSocketImpl");

    private static volatile Level root = Level.INFO;

    private LogThresholds() {
    }

    /** Sets the level of every logger from {@code -log-level}: debug, info, warn or error (as Settings checks). */
    public static void setLevel(String level) {
        root = Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
    }

    /** The level this logger's name starts at, before {@code -log-level}: TRACE for most, WARN for the chatty. */
    static Level floor(String loggerName) {
        if (ERROR_AT_LEAST.stream().anyMatch(prefix -> within(loggerName, prefix))) {
            return Level.ERROR;
        }
        if (WARN_AT_LEAST.stream().anyMatch(prefix -> within(loggerName, prefix))) {
            return Level.WARN;
        }
        return Level.TRACE;
    }

    private static boolean within(String loggerName, String prefix) {
        return loggerName.startsWith(prefix)
                && (loggerName.length() == prefix.length() || loggerName.charAt(prefix.length()) == '.');
    }

    /** Whether a logger whose floor is {@code floor} writes an event at {@code level}. */
    static boolean enabled(Level floor, Level level) {
        return level.toInt() >= Math.max(floor.toInt(), root.toInt());
    }
}
