package io.kubeexec.pi;

import io.kubeexec.contract.GoDuration;
import io.kubeexec.pi.kube.KubeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kubectl pi extend}: writes the requested extension into the {@code podExtendedDuration} annotation of
 * interacted pods. The controller's webhook sees the change, records the requester and moves the eviction time.
 */
final class ExtendCommand extends PodCommand {

    /** A number directly followed by {@code d} that is not the start of a longer unit name. */
    private static final Pattern DAYS = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)d(?![A-Za-z\u00b5\u03bc])");

    private String extension;

    private ExtendCommand(Io io, KubectlPi.Flags flags) {
        super(io, flags, "extend", "Request an extension of the eviction time of interacted pods.");
    }

    static CommandSpec spec(Io io, KubectlPi.Flags flags) {
        CommandSpec spec = new ExtendCommand(io, flags).spec;
        KubectlPi.flag(spec, "Overwrite an existing extension without asking", false, "-y", "--yes");
        return spec;
    }

    @Override
    void validate() {
        super.validate();
        extension = extension(flags.string("--duration"));
    }

    /**
     * The {@code -d} value as written to the pod. It is a Go duration ({@code 90s}, {@code 1h30m}, {@code 1.5h}) or,
     * for the plugin only, days ({@code 1d}, {@code 1d12h}), and always written as a Go duration ({@code 30m0s},
     * {@code 24h0m0s}), because the controller (and the original one) parse the annotation with Go's rules. The
     * message of the exception is the whole user-facing error.
     */
    static String extension(String text) {
        String goForm = DAYS.matcher(text == null ? "" : text.trim()).replaceAll(days -> new BigDecimal(days.group(1))
                .multiply(BigDecimal.valueOf(24)).stripTrailingZeros().toPlainString() + "h");
        Duration d;
        try {
            d = GoDuration.parse(goForm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid duration \"" + text
                    + "\": expecting a duration such as 90s, 30m, 1h30m or 1d");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\": an extension cannot be negative");
        }
        return GoDuration.format(d);
    }

    @Override
    void run(Pods api, String namespace) {
        PrintWriter out = io.out();
        boolean yes = Boolean.TRUE.equals(spec.findOption("--yes").getValue());
        for (PodMeta pod : select(api, namespace)) {
            if (!pod.labels().containsKey(keys.initialInteractionTimestamp())) {
                out.println("no interaction detected from the pod/" + pod.name());
                continue;
            }
            String existing = pod.annotations().get(keys.extendedDuration());
            if (existing != null) {
                out.println("Warning: pod/" + pod.name() + " is already annotated with an extension=" + existing);
                if (!yes && !confirm(out, pod.name())) {
                    continue;
                }
            }
            try {
                api.annotate(pod.namespace() != null ? pod.namespace() : namespace, pod.name(),
                        keys.extendedDuration(), extension);
                out.println("Successfully extended the termination time of pod/" + pod.name()
                        + " with a duration=" + extension);
            } catch (KubeException e) {
                refused(e);
            }
        }
    }

    /** The original's prompt; y/yes or n/no, anything else asks again. End of input is a failure. */
    private boolean confirm(PrintWriter out, String pod) {
        while (true) {
            out.print("Please confirm to overwrite the existing extension [y/n]: ");
            out.flush();
            String answer;
            try {
                answer = io.in().readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null) {
                out.println();
                error("no answer for pod/" + pod + " (end of input); use -y to overwrite without asking");
                return false;
            }
            answer = answer.trim().toLowerCase(Locale.ROOT);
            if (answer.equals("y") || answer.equals("yes")) {
                return true;
            }
            if (answer.equals("n") || answer.equals("no")) {
                return false;
            }
            out.println("Invalid input, please try again");
        }
    }
}
