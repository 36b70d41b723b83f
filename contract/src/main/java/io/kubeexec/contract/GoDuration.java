package io.kubeexec.contract;

import java.time.Duration;
import java.util.Map;

/**
 * Parses and prints durations exactly as Go's {@code time.ParseDuration} and {@code Duration.String()} do,
 * because the original controller and plugin wrote these values onto pods.
 */
public final class GoDuration {

    private static final long NANOSECOND = 1L;
    private static final long MICROSECOND = 1_000L;
    private static final long MILLISECOND = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    private static final Map<String, Long> UNITS = Map.of(
            "ns", NANOSECOND,
            "us", MICROSECOND,
            "\u00b5s", MICROSECOND, // U+00B5 micro sign
            "\u03bcs", MICROSECOND, // U+03BC Greek mu
            "ms", MILLISECOND,
            "s", SECOND,
            "m", MINUTE,
            "h", HOUR);

    private GoDuration() {
    }

    /** Go's {@code time.ParseDuration}; the message of the exception is Go's error text. */
    public static Duration parse(String text) {
        return Duration.ofNanos(parseNanos(text));
    }

    /** Go's {@code Duration.String()} of a {@link Duration} (truncated to nanoseconds, as Go's int64). */
    public static String format(Duration duration) {
        return formatNanos(duration.toNanos());
    }

    public static long parseNanos(String text) {
        if (text == null) {
            throw new IllegalArgumentException("time: invalid duration \"\"");
        }
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        // Accumulated as an unsigned magnitude up to 2^63, as Go does, so that -2562047h47m16.854775808s parses.
        long total = 0;
        while (!s.isEmpty()) {
            char c = s.charAt(0);
            if (!(c == '.' || isDigit(c))) {
                throw invalid(text);
            }
            int i = 0;
            long whole = 0;
            while (i < s.length() && isDigit(s.charAt(i))) {
                if (Long.compareUnsigned(whole, Long.divideUnsigned(Long.MIN_VALUE, 10)) > 0) {
                    throw invalid(text); // leading int overflows
                }
                whole = whole * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(whole, Long.MIN_VALUE) > 0) {
                    throw invalid(text);
                }
                i++;
            }
            boolean pre = i > 0;
            s = s.substring(i);
            long fraction = 0;
            double scale = 1;
            boolean post = false;
            if (!s.isEmpty() && s.charAt(0) == '.') {
                s = s.substring(1);
                int j = 0;
                boolean overflow = false;
                while (j < s.length() && isDigit(s.charAt(j))) {
                    if (!overflow) {
                        if (fraction > (Long.MAX_VALUE - 9) / 10) {
                            overflow = true; // Go ignores digits beyond what fits
                        } else {
                            fraction = fraction * 10 + (s.charAt(j) - '0');
                            scale *= 10;
                        }
                    }
                    j++;
                }
                post = j > 0;
                s = s.substring(j);
            }
            if (!pre && !post) {
                throw invalid(text);
            }
            int u = 0;
            while (u < s.length() && !(s.charAt(u) == '.' || isDigit(s.charAt(u)))) {
                u++;
            }
            if (u == 0) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
            }
            String unitName = s.substring(0, u);
            s = s.substring(u);
            Long unit = UNITS.get(unitName);
            if (unit == null) {
                throw new IllegalArgumentException(
                        "time: unknown unit \"" + unitName + "\" in duration \"" + text + "\"");
            }
            if (Long.compareUnsigned(whole, Long.divideUnsigned(Long.MIN_VALUE, unit)) > 0) {
                throw invalid(text);
            }
            long value = whole * unit;
            if (fraction > 0) {
                value += (long) ((double) fraction * ((double) unit / scale));
                if (Long.compareUnsigned(value, Long.MIN_VALUE) > 0) {
                    throw invalid(text);
                }
            }
            total += value;
            if (Long.compareUnsigned(total, Long.MIN_VALUE) > 0) {
                throw invalid(text);
            }
        }
        if (negative) {
            return -total;
        }
        if (total == Long.MIN_VALUE) {
            throw invalid(text);
        }
        return total;
    }

    public static String formatNanos(long d) {
        if (d == 0) {
            return "0s";
        }
        boolean negative = d < 0;
        // Unsigned magnitude: Long.MIN_VALUE stays 2^63 when read unsigned.
        long u = negative ? -d : d;
        StringBuilder out = new StringBuilder();
        if (Long.compareUnsigned(u, SECOND) < 0) {
            int precision;
            String unit;
            if (u < MICROSECOND) {
                precision = 0;
                unit = "ns";
            } else if (u < MILLISECOND) {
                precision = 3;
                unit = "\u00b5s";
            } else {
                precision = 6;
                unit = "ms";
            }
            out.append(Long.toUnsignedString(divPow10(u, precision)))
                    .append(fraction(remPow10(u, precision), precision))
                    .append(unit);
        } else {
            long seconds = Long.divideUnsigned(u, SECOND);
            String frac = fraction(Long.remainderUnsigned(u, SECOND), 9);
            long minutes = seconds / 60;
            long hours = minutes / 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (minutes > 0) {
                out.append(minutes % 60).append('m');
            }
            out.append(seconds % 60).append(frac).append('s');
        }
        return negative ? "-" + out : out.toString();
    }

    private static long divPow10(long u, int precision) {
        return Long.divideUnsigned(u, pow10(precision));
    }

    private static long remPow10(long u, int precision) {
        return Long.remainderUnsigned(u, pow10(precision));
    }

    private static long pow10(int precision) {
        long p = 1;
        for (int i = 0; i < precision; i++) {
            p *= 10;
        }
        return p;
    }

    /** ".5", ".000123", or "" when zero: Go's fmtFrac without trailing zeros. */
    private static String fraction(long value, int precision) {
        if (value == 0 || precision == 0) {
            return "";
        }
        String digits = String.format("%0" + precision + "d", value);
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return "." + digits.substring(0, end);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
