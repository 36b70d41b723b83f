package io.kubeexec.controller.decision;

import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.PodKeys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which TTL a pod gets at its first interaction: its own {@code podTTL} annotation, else its namespace's, else
 * {@code -ttl-seconds}. A requested TTL above {@code -max-ttl} is capped to it; an unreadable or negative one is
 * ignored, so an annotation can never keep a pod forever nor hide it from eviction.
 */
public final class TtlPolicy {

    /** The TTL to apply, where it came from (for the log), and what was wrong with any annotation passed over. */
    public record Applied(Duration ttl, String source, List<String> warnings) {
    }

    private final PodKeys keys;
    private final Duration defaultTtl;
    private final Duration maxTtl;

    public TtlPolicy(PodKeys keys, Duration defaultTtl, Duration maxTtl) {
        if (defaultTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("the default TTL " + GoDuration.format(defaultTtl)
                    + " exceeds the maximum " + GoDuration.format(maxTtl));
        }
        this.keys = keys;
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
    }

    public Applied decide(Map<String, String> podAnnotations, Map<String, String> namespaceAnnotations) {
        return decide(podAnnotations, namespaceAnnotations, defaultTtl, "-ttl-seconds");
    }

    /**
     * As {@link #decide(Map, Map)}, with {@code fallback} in place of {@code -ttl-seconds}: a TTL rule written as a
     * route (routes/examples/namespace-ttl.camel.yaml). The annotations still win, and -max-ttl still caps it.
     */
    public Applied decide(Map<String, String> podAnnotations, Map<String, String> namespaceAnnotations,
            Duration fallback, String fallbackSource) {
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> scope : List.of(
                Map.entry("pod", podAnnotations), Map.entry("namespace", namespaceAnnotations))) {
            String text = scope.getValue().get(keys.requestedTtl());
            if (text == null) {
                continue;
            }
            String where = scope.getKey() + " annotation " + keys.requestedTtl() + "=\"" + text + "\"";
            Duration requested;
            try {
                requested = GoDuration.parse(text.trim());
            } catch (IllegalArgumentException e) {
                warnings.add(where + " is not a Go duration, ignored");
                continue;
            }
            if (requested.isNegative()) {
                warnings.add(where + " is negative, ignored");
                continue;
            }
            if (requested.compareTo(maxTtl) > 0) {
                warnings.add(where + " exceeds -max-ttl, capped to " + GoDuration.format(maxTtl));
                return new Applied(maxTtl, where + ", capped by -max-ttl", List.copyOf(warnings));
            }
            return new Applied(requested, where, List.copyOf(warnings));
        }
        if (fallback.compareTo(maxTtl) > 0) {
            warnings.add(fallbackSource + " " + GoDuration.format(fallback) + " exceeds -max-ttl, capped to "
                    + GoDuration.format(maxTtl));
            return new Applied(maxTtl, fallbackSource + ", capped by -max-ttl", List.copyOf(warnings));
        }
        return new Applied(fallback, fallbackSource, List.copyOf(warnings));
    }
}
