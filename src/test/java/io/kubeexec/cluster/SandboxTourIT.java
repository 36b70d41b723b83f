package io.kubeexec.cluster;

import io.kubeexec.e2e.Command;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code make sandbox-tour}'s script, the session the README shows, on its own one-node cluster, and checks each
 * step did what the README says: so the README cannot drift from what the product does.
 */
class SandboxTourIT {

    @Test
    void theTourShowsTheWholeStory() {
        Command tour = Command.run(List.of("tools/sandbox.sh", "--tour"), Map.of(
                "CLUSTER_NAME", System.getProperty("cluster.name", "kec-tour"),
                "SANDBOX_NO_BUILD", "1",
                "IMAGE_TAR", Path.of(System.getProperty("image.tar", "target/jib-image.tar")).toAbsolutePath().toString(),
                "KUBECTL_PI_JAR", Path.of("pi-cli/target/kubectl-pi.jar").toAbsolutePath().toString(),
                "SANDBOX_TTL", "20"), Duration.ofMinutes(12));
        String out = tour.stdout() + tour.stderr();

        assertThat(tour.exitCode()).as(out).isZero();
        assertThat(out)
                // The exec really runs: its output, and the file it made.
                .containsPattern("-rw-r--r-- +1 root +root +0 .* new-file")
                .containsPattern("hello from web-[a-z0-9]+-[a-z0-9]+")
                .containsPattern("test +1/1 +Running .*box.com/podInitialInteractionTimestamp=\\d+,"
                        + "box.com/podInteractorUsername=\\S+,box.com/podTTLDuration=20s")
                .contains("Pod was interacted with 'kubectl exec/attach' command by a user '")
                .containsPattern("Pod will be evicted at time \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC")
                .containsPattern("POD-NAME\\t+INTERACTOR\\t+POD-TTL")
                .containsPattern("Successfully extended the termination time of pod/web-\\S+ with a duration=5m0s")
                .contains("Pod eviction time has been extended by '5m0s', as requested from user '")
                .contains("The following Pod labels cannot be updated or removed once set: "
                        + "box.com/podInitialInteractionTimestamp box.com/podTTLDuration")
                .contains("test was evicted, for good: nothing owns it.")
                .containsPattern("web-\\S+ was evicted; its ReplicaSet replaced it with a clean pod.")
                .contains("decision=allowed")
                .contains("sandbox: stopped; nothing left running.");
    }
}
