package io.kubeexec.controller.pending;

import io.kubeexec.controller.admission.AdmissionRequest;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import io.kubeexec.controller.work.Replay;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heap one ledger entry costs, which -max-pending's default is chosen from (docs/configuration.md): the used
 * heap after a full GC, before and after filling a ledger. An entry is one pod's exec as the webhook accepts it,
 * with the review a peer would need.
 */
class PendingWorkFootprintTest {

    private static final int PODS = 20_000;

    @Test
    void onePodsExecCostsAtMostThreeKibibytesAndAPodWithTwentyAtMostFortyFive() throws Exception {
        long perPod = bytesPerPod(PODS, 1);
        long perFullPod = bytesPerPod(1_000, 40);
        System.out.printf("PendingWorkFootprintTest: %d bytes per pod with one exec waiting, %d bytes per pod with"
                + " 40 execs waiting (it keeps %d)%n", perPod, perFullPod, PendingWork.KEPT);
        assertThat(perPod).isLessThan(3 * 1024);
        assertThat(perFullPod).isLessThan(45 * 1024);
    }

    private static long bytesPerPod(int pods, int execsPerPod) throws Exception {
        byte[][] reviews = new byte[pods][];
        for (int i = 0; i < pods; i++) {
            reviews[i] = Reviews.exec("team-a-namespace", "web-5d4f8b7c9-" + i, "alice@example.com")
                    .getBytes(StandardCharsets.UTF_8);
        }
        long before = usedAfterGc();
        PendingWork pending = new PendingWork(Clock.systemUTC());
        for (int e = 0; e < execsPerPod; e++) {
            for (int i = 0; i < pods; i++) {
                AdmissionRequest request = AdmissionRequest.parse(reviews[i]);
                pending.accept(new Interaction(request.namespace(), request.name(), request.username(),
                        request.groups(), InteractionKind.EXEC, "web", List.of("sh"), Instant.now()),
                        new Replay("/admit-pod-interaction", request.uid(), request.replayable()));
            }
        }
        long after = usedAfterGc();
        assertThat(pending.size()).isEqualTo(pods);
        pending.close();
        return (after - before) / pods;
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
