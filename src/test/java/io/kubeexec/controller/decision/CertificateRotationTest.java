package io.kubeexec.controller.decision;

import io.kubeexec.controller.decision.CertificateRotation.Ca;
import io.kubeexec.controller.decision.CertificateRotation.Phase;
import io.kubeexec.controller.decision.CertificateRotation.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What the controller does next with the certificates in its Secret, and which CAs the caBundle trusts meanwhile. */
class CertificateRotationTest {

    private static final CertificateRotation ROTATION = new CertificateRotation(Duration.ofSeconds(30));
    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                                                         | usable | phase    | phase age s | serving age d | fits names | renew asked | bundle holds all | step
            an empty Secret gets a new CA and serving certificate at once  | false  | STABLE   | 0           | 0             | false      | false       | false            | CREATE
            a fresh certificate is left alone                              | true   | STABLE   | 100         | 10            | true       | false       | true             | NONE
            a certificate 242 days old is left alone                       | true   | STABLE   | 100         | 242           | true       | false       | true             | NONE
            two thirds into its year the CA rotates                        | true   | STABLE   | 100         | 244           | true       | false       | true             | STAGE_NEW_CA
            a forced renewal rotates a fresh certificate                   | true   | STABLE   | 100         | 1             | true       | true        | true             | STAGE_NEW_CA
            an expired certificate is reissued by the trusted CA at once   | true   | STABLE   | 100         | 400           | true       | false       | true             | REISSUE_SERVING
            a changed service name gets a new certificate from the same CA | true   | STABLE   | 100         | 10            | false      | false       | true             | REISSUE_SERVING
            a staged CA waits for the phase to settle                      | true   | STAGED   | 29          | 10            | true       | false       | true             | NONE
            a staged CA waits until the caBundle trusts it                 | true   | STAGED   | 300         | 10            | true       | false       | false            | NONE
            a settled and trusted staged CA takes over serving             | true   | STAGED   | 30          | 10            | true       | false       | true             | SWITCH_TO_NEW_CA
            a renewal asked while staged does not restart the rotation     | true   | STAGED   | 5           | 10            | true       | true        | true             | NONE
            after the switch the old CA stays while replicas reload        | true   | SWITCHED | 29          | 0             | true       | false       | true             | NONE
            once settled the old CA leaves the bundle                      | true   | SWITCHED | 30          | 0             | true       | false       | false            | DROP_OLD_CA
            """)
    void decidesTheNextStep(String description, boolean usable, Phase phase, long phaseAgeSeconds,
            long servingAgeDays, boolean fitsNames, boolean renewAsked, boolean bundleHoldsAll, Step step) {
        Instant notBefore = NOW.minus(Duration.ofDays(servingAgeDays));
        CertificateRotation.Secret secret = usable
                ? new CertificateRotation.Secret(true, phase, NOW.minusSeconds(phaseAgeSeconds),
                        ISSUED.plus(CertificateRotation.CA_VALIDITY), notBefore,
                        notBefore.plus(CertificateRotation.SERVING_VALIDITY), fitsNames, renewAsked, bundleHoldsAll)
                : CertificateRotation.Secret.unusable();

        assertThat(ROTATION.next(secret, NOW)).isEqualTo(step);
    }

    @Test
    void anExpiredCaIsReplacedLikeAnEmptySecret() {
        CertificateRotation.Secret secret = new CertificateRotation.Secret(true, Phase.STABLE, ISSUED,
                NOW.minusSeconds(1), NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300)), true, false, true);

        assertThat(ROTATION.next(secret, NOW)).isEqualTo(Step.CREATE);
    }

    @Test
    void aCaEndingBeforeItsServingCertificateRotates() {
        CertificateRotation.Secret secret = new CertificateRotation.Secret(true, Phase.STABLE, ISSUED,
                NOW.plus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300)), true,
                false, true);

        assertThat(ROTATION.next(secret, NOW)).isEqualTo(Step.STAGE_NEW_CA);
    }

    @ParameterizedTest(name = "{0}: the caBundle holds {1}")
    @CsvSource(delimiter = '|', textBlock = """
            STABLE   | CURRENT
            STAGED   | CURRENT NEXT
            SWITCHED | CURRENT PREVIOUS
            """)
    void theBundleTrustsTheServingCaAndTheOneAboutToServeOrJustRetired(Phase phase, String cas) {
        Set<Ca> expected = Arrays.stream(cas.split(" ")).map(Ca::valueOf).collect(Collectors.toSet());

        assertThat(CertificateRotation.trusted(phase)).isEqualTo(expected);
    }

    @Test
    void everyPhaseTrustsTheCaOfTheCertificateServedBeforeAndAfterIt() {
        // STABLE serves CURRENT; STAGED still serves CURRENT; SWITCHED serves the new CURRENT, and replicas not yet
        // reloaded serve PREVIOUS (the old CURRENT); back to STABLE only once they all have.
        assertThat(CertificateRotation.trusted(Phase.STAGED)).contains(Ca.CURRENT, Ca.NEXT);
        assertThat(CertificateRotation.trusted(Phase.SWITCHED)).contains(Ca.CURRENT, Ca.PREVIOUS);
    }

    @Test
    void aYearLongCertificateIsRenewedAfterTwoThirds() {
        Instant due = CertificateRotation.renewalDue(ISSUED, ISSUED.plus(Duration.ofDays(365)));

        assertThat(Duration.between(ISSUED, due).toDays()).isEqualTo(243);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # case                                                          | differs | secret gen | configuration mark | write
            an equal bundle is never written                                | false   | 5          | -                  | false
            a configuration without a mark (new, or re-applied) is repaired | true    | 5          | -                  | true
            a bundle from an older state of the Secret is replaced          | true    | 5          | uid-1/4            | true
            a bundle from the same state is repaired                        | true    | 5          | uid-1/5            | true
            a bundle from a newer state is left to the replica that read it | true    | 5          | uid-1/6            | false
            a bundle from a deleted and recreated Secret is replaced        | true    | 1          | uid-0/9            | true
            a mark that is not ours is replaced                             | true    | 1          | garbage            | true
            """)
    void aReplicaWritesTheBundleUnlessANewerOneIsThere(String description, boolean differs, long generation,
            String mark, boolean write) {
        assertThat(CertificateRotation.writeBundle(differs, "uid-1", generation, Optional.ofNullable(mark)))
                .isEqualTo(write);
    }
}
