package io.kubeexec.pi;

import java.time.Duration;

/**
 * An age as kubectl prints it in its {@code AGE} columns ({@code duration.HumanDuration} of k8s.io/apimachinery):
 * {@code 45s}, {@code 5m}, {@code 3m20s}, {@code 2h5m}, {@code 3d4h}, {@code 2y10d}; the more time has passed, the
 * coarser the unit.
 */
final class Age {

    private Age() {
    }

    static String of(Duration d) {
        long seconds = d.toMillis() / 1000; // truncated towards zero, as Go's int(d.Seconds())
        if (seconds < -1) {
            return "<invalid>"; // more than a little clock skew: the time is in the future
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long days = hours / 24 % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
