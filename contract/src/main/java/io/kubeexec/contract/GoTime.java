package io.kubeexec.contract;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * Go's {@code Time.String()} of a UTC time, {@code 2021-10-16 18:06:44 +0000 UTC}, with a fraction only when it
 * is non-zero and never Go's monotonic {@code m=+...} suffix. This is the form of the termination annotation.
 */
public final class GoTime {

    // STRICT, as Go's time.Parse: no 2021-02-30 rolled over to 2021-02-28, no hour 24.
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss")
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);

    private GoTime() {
    }

    public static String format(Instant instant) {
        int nanos = instant.getNano();
        String fraction = "";
        if (nanos != 0) {
            String digits = String.format("%09d", nanos);
            fraction = "." + digits.replaceAll("0+$", "");
        }
        return SECONDS.format(instant) + fraction + " +0000 UTC";
    }

    /** Parses what {@link #format} writes (and what the original wrote); other zones are refused. */
    public static Instant parse(String text) {
        String suffix = " +0000 UTC";
        if (text == null || !text.endsWith(suffix)) {
            throw new IllegalArgumentException("not a Go UTC time: \"" + text + "\"");
        }
        String body = text.substring(0, text.length() - suffix.length());
        String seconds = body;
        int nanos = 0;
        int dot = body.indexOf('.');
        if (dot >= 0) {
            seconds = body.substring(0, dot);
            String digits = body.substring(dot + 1);
            if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not a Go UTC time: \"" + text + "\"");
            }
            nanos = Integer.parseInt((digits + "000000000").substring(0, 9));
        }
        try {
            return Instant.from(SECONDS.parse(seconds)).plusNanos(nanos);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a Go UTC time: \"" + text + "\"", e);
        }
    }
}
