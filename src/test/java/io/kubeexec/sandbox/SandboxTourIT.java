package io.kubeexec.sandbox;

import io.kubeexec.controller.support.TestController;
import io.kubeexec.e2e.Command;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code make sandbox-tour}'s script, the session the README shows, and checks each step did what the README
 * says: so the README cannot drift from what the product does.
 */
class SandboxTourIT {

    @Test
    void theTourShowsTheWholeStory() {
        String controllerJar = System.getProperty("controller.jar", "target/kube-exec-controller.jar");
        Command tour = Command.run(List.of("tools/sandbox.sh", "--tour"), Map.of(
                "SANDBOX_NO_BUILD", "1",
                "KEC_JAR", controllerJar,
                "KUBECTL_PI_JAR", Path.of("pi-cli/target/kubectl-pi.jar").toAbsolutePath().toString(),
                "SANDBOX_PORT", Integer.toString(TestController.freePort()),
                "SANDBOX_TTL", "20"), Duration.ofMinutes(5)); // room for a slow machine before demo-1 is due
        String out = tour.stdout() + tour.stderr();

        assertThat(tour.exitCode()).as(out).isZero();
        assertThat(out)
                // The exec fails without a kubelet, after admission.
                .contains("pod demo-1 does not have a host assigned")
                .containsPattern("demo-1 .*box.com/podInitialInteractionTimestamp=\\d+,"
                        + "box.com/podInteractorUsername=\\S+,box.com/podTTLDuration=20s")
                .contains("PodInteraction")
                .contains("Pod was interacted with 'kubectl exec/attach' command by a user '")
                .containsPattern("Pod will be evicted at time \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC")
                .contains("POD-NAME\tINTERACTOR\tPOD-TTL")
                .contains("Successfully extended the termination time of pod/demo-1 with a duration=5m0s")
                .contains("Pod eviction time has been extended by '5m0s', as requested from user '")
                .contains("The following Pod labels cannot be updated or removed once set: "
                        + "box.com/podInitialInteractionTimestamp box.com/podTTLDuration")
                .contains("demo-2 was evicted.")
                .contains("decision=allowed")
                .contains("sandbox: stopped; nothing left running.");
    }
}
