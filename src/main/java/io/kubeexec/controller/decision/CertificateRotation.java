package io.kubeexec.controller.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the controller does next with its self-managed certificates (-certificate-secret), from what the Secret holds.
 * A rotation never leaves the API server with a serving certificate it does not trust: the new CA is first added to
 * the webhook configuration's caBundle beside the old one (staged), then the serving certificate switches to one the
 * new CA signed (switched), and only once every replica has had time to reload it does the old CA leave the bundle.
 * Each phase lasts at least {@code settle}: longer than a replica takes to see a change of the Secret.
 */
public final class CertificateRotation {

    /** Where a rotation stands, as the Secret records it. */
    public enum Phase {
        /** One CA signs the served certificate; the bundle holds it alone. */
        STABLE,
        /** A next CA waits in the Secret, trusted by the bundle but signing nothing yet. */
        STAGED,
        /** The new CA signs the served certificate; the previous one stays in the bundle for replicas still serving its certificate. */
        SWITCHED
    }

    /** A CA the Secret holds, by its role in the rotation. */
    public enum Ca {
        CURRENT, NEXT, PREVIOUS
    }

    /** The one change to make to the Secret, if any. */
    public enum Step {
        /** Nothing usable in the Secret (new install, or its data deleted): a new CA and serving certificate at once. */
        CREATE,
        /** The current CA issues a new serving certificate (the service name changed, or it expired). */
        REISSUE_SERVING,
        /** Start a rotation: a new CA, trusted beside the current one. */
        STAGE_NEW_CA,
        /** The new CA becomes current and issues the serving certificate; the old one stays trusted. */
        SWITCH_TO_NEW_CA,
        /** The old CA leaves the bundle: the rotation is over. */
        DROP_OLD_CA,
        NONE
    }

    /**
     * What a replica read: {@code usable} is false when the Secret holds no complete, readable CA and serving pair.
     * {@code renewalRequested} is true when the annotation kubeexec.io/renew-certificate holds a value not acted on yet.
     * {@code bundleHoldsEveryCa}: the webhook configuration's caBundle trusts every CA of {@link #trusted}.
     */
    public record Secret(boolean usable, Phase phase, Instant phaseSince, Instant caNotAfter,
            Instant servingNotBefore, Instant servingNotAfter, boolean servingFitsNames, boolean renewalRequested,
            boolean bundleHoldsEveryCa) {

        public static Secret unusable() {
            return new Secret(false, Phase.STABLE, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, false,
                    false, false);
        }
    }

    /** CA validity: the serving certificate's renewal rotates it long before it ends. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Serving certificate validity. */
    public static final Duration SERVING_VALIDITY = Duration.ofDays(365);

    private final Duration settle;

    public CertificateRotation(Duration settle) {
        this.settle = settle;
    }

    public Duration settle() {
        return settle;
    }

    /** The CAs the caBundle holds in each phase. */
    public static Set<Ca> trusted(Phase phase) {
        return switch (phase) {
            case STABLE -> EnumSet.of(Ca.CURRENT);
            case STAGED -> EnumSet.of(Ca.CURRENT, Ca.NEXT);
            case SWITCHED -> EnumSet.of(Ca.CURRENT, Ca.PREVIOUS);
        };
    }

    /** When a serving certificate is renewed: two thirds into its life (a 1-year certificate: after about 243 days). */
    public static Instant renewalDue(Instant notBefore, Instant notAfter) {
        return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
    }

    public Step next(Secret secret, Instant now) {
        if (!secret.usable() || !now.isBefore(secret.caNotAfter())) {
            return Step.CREATE;
        }
        boolean settled = !now.isBefore(secret.phaseSince().plus(settle));
        switch (secret.phase()) {
            case STAGED:
                // The API server must trust the new CA before any replica serves a certificate it signed.
                return secret.bundleHoldsEveryCa() && settled ? Step.SWITCH_TO_NEW_CA : Step.NONE;
            case SWITCHED:
                return settled ? Step.DROP_OLD_CA : Step.NONE;
            default:
                break;
        }
        if (!now.isBefore(secret.servingNotAfter())) {
            // Expired (the controller was down past its renewal): the CA is trusted already, so a new serving
            // certificate is the fastest way back; a rotation would deny for a whole phase.
            return Step.REISSUE_SERVING;
        }
        if (secret.renewalRequested() || !now.isBefore(renewalDue(secret.servingNotBefore(), secret.servingNotAfter()))
                || secret.caNotAfter().isBefore(secret.servingNotAfter())) {
            return Step.STAGE_NEW_CA;
        }
        return secret.servingFitsNames() ? Step.NONE : Step.REISSUE_SERVING;
    }

    /**
     * Whether this replica may write its bundle into the webhook configuration: only if it differs, and if the
     * configuration's bundle did not come from a newer state of the Secret than the one this replica read (a
     * replica that has not seen a rotation yet must not take the new CA out again). A mark is the Secret's uid and
     * the controller's write counter; a configuration without one, or from another Secret, is always repaired.
     */
    public static boolean writeBundle(boolean bundleDiffers, String secretUid, long secretGeneration,
            Optional<String> configurationMark) {
        if (!bundleDiffers) {
            return false;
        }
        if (configurationMark.isEmpty()) {
            return true;
        }
        String mark = configurationMark.get();
        int slash = mark.lastIndexOf('/');
        if (slash < 0 || !mark.substring(0, slash).equals(secretUid)) {
            return true;
        }
        try {
            return secretGeneration >= Long.parseLong(mark.substring(slash + 1));
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
