package io.kubeexec.controller.support;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The events the controller logs at WARN or ERROR while installed, stack traces included: standard output teed. The
 * controller's logger writes each event with one {@code print}, so each entry is one whole event.
 */
public final class LoggedWarnings implements AutoCloseable {

    private static final Pattern WARNING = Pattern.compile("^\\S+ (WARN |ERROR) ");

    private final PrintStream original = System.out;
    private final List<String> events = new CopyOnWriteArrayList<>();

    private LoggedWarnings() {
        System.setOut(new PrintStream(original, true) {
            @Override
            public void print(String text) {
                if (text != null && WARNING.matcher(text).find()) {
                    events.add(text);
                }
                super.print(text);
            }
        });
    }

    public static LoggedWarnings capture() {
        return new LoggedWarnings();
    }

    public List<String> events() {
        return events;
    }

    @Override
    public void close() {
        System.setOut(original);
    }
}
