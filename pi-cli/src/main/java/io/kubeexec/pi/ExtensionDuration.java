package io.kubeexec.pi;

import io.kubeexec.contract.GoDuration;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code -d} value of {@code kubectl pi extend}: a Go duration ({@code 90s}, {@code 1h30m}, {@code 1.5h}) or,
 * for the plugin only, days ({@code 1d}, {@code 1d12h}). It is always written to the pod as a Go duration, because
 * the controller (and the original one) parse the annotation with Go's rules.
 */
public final class ExtensionDuration {

    /** A number directly followed by {@code d} that is not the start of a longer unit name. */
    private static final Pattern DAYS = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)d(?![A-Za-z\u00b5\u03bc])");

    private ExtensionDuration() {
    }

    /**
     * The Go form written to the pod: {@code 30m} becomes {@code 30m0s}, {@code 1d} becomes {@code 24h0m0s}. The
     * message of the exception is the whole user-facing error.
     */
    public static String normalize(String text) {
        String s = text == null ? "" : text.trim();
        Duration d;
        try {
            d = GoDuration.parse(withoutDays(s));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid duration \"" + text
                    + "\": expecting a duration such as 90s, 30m, 1h30m or 1d");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\": an extension cannot be negative");
        }
        return GoDuration.format(d);
    }

    private static String withoutDays(String s) {
        Matcher m = DAYS.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            BigDecimal hours = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1))
                    .multiply(BigDecimal.valueOf(24));
            m.appendReplacement(sb, hours.stripTrailingZeros().toPlainString() + "h");
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
