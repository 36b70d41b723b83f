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
        long minutes = seconds / 60;
        long hours = minutes / 60;
        long days = hours / 24;
        if (seconds < -1) {
            return "<invalid>"; // more than a little clock skew: the time is in the future
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        } else if (minutes < 10) {
            return units(minutes, "m", seconds % 60, "s");
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        } else if (hours < 8) {
            return units(hours, "h", minutes % 60, "m");
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            return units(days, "d", hours % 24, "h");
        } else if (hours < 24 * 365 * 2) {
            return days + "d";
        } else if (hours < 24 * 365 * 8) {
            return units(days / 365, "y", days % 365, "d");
        }
        return days / 365 + "y";
    }

    /** {@code 3m20s}, or {@code 3m} when the finer unit is zero. */
    private static String units(long coarse, String coarseUnit, long fine, String fineUnit) {
        return coarse + coarseUnit + (fine == 0 ? "" : fine + fineUnit);
    }
}
