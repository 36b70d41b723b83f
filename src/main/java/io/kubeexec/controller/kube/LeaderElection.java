package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * With several replicas, all serve the webhooks but only the holder of the Lease runs the eviction scan, so a pod
 * is never evicted twice. Without {@code -leader-elect} every process is the leader.
 */
public final class LeaderElection implements BooleanSupplier {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    public static final String LEASE_NAME = "kube-exec-controller";

    private final AtomicBoolean leader = new AtomicBoolean();
    private final boolean enabled;
    private CompletableFuture<?> running;

    private LeaderElection(boolean enabled) {
        this.enabled = enabled;
        leader.set(!enabled);
    }

    public static LeaderElection always() {
        return new LeaderElection(false);
    }

    public static LeaderElection start(KubernetesClient client, String namespace, String identity) {
        LeaderElection election = new LeaderElection(true);
        election.running = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(LEASE_NAME)
                .withLock(new LeaseLock(namespace, LEASE_NAME, identity))
                .withLeaseDuration(Duration.ofSeconds(8))
                .withRenewDeadline(Duration.ofSeconds(6))
                .withRetryPeriod(Duration.ofSeconds(2))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            election.leader.set(true);
                            LOG.info("Leading: this replica ({}) runs the eviction scan", identity);
                        },
                        () -> {
                            election.leader.set(false);
                            LOG.info("No longer leading: this replica ({}) stops the eviction scan", identity);
                        },
                        newLeader -> LOG.info("The eviction scan runs on {}", newLeader)))
                .build()).build().start();
        return election;
    }

    @Override
    public boolean getAsBoolean() {
        return leader.get();
    }

    public void stop() {
        if (enabled && running != null) {
            running.cancel(true);
        }
    }
}
