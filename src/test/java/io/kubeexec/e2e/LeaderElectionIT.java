package io.kubeexec.e2e;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeexec.controller.kube.LeaderElection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two replicas on a real API server: exactly one runs the eviction scan, and the other takes over when it stops. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaderElectionIT {

    private KubeAPIServer apiServer;
    private KubernetesClient kube;

    @BeforeAll
    void start() {
        apiServer = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion("1.20.2").withUpdateKubeConfig(false).build());
        apiServer.start();
        kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml())).build();
    }

    @AfterAll
    void stop() {
        kube.close();
        apiServer.stop();
    }

    @Test
    void exactlyOneReplicaLeadsAndTheOtherTakesOver() {
        LeaderElection first = LeaderElection.start(kube, "default", "replica-a");
        await().atMost(Duration.ofSeconds(20)).until(first::getAsBoolean);
        LeaderElection second = LeaderElection.start(kube, "default", "replica-b");

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !second.getAsBoolean());
        assertThat(first.getAsBoolean()).isTrue();
        assertThat(kube.leases().inNamespace("default").withName(LeaderElection.LEASE_NAME).get().getSpec()
                .getHolderIdentity()).isEqualTo("replica-a");

        first.stop(); // releases the Lease on the way out
        await().atMost(Duration.ofSeconds(30)).until(second::getAsBoolean);
        assertThat(first.getAsBoolean()).isFalse();
        second.stop();
    }

    @Test
    void withoutLeaderElectionEveryProcessLeads() {
        assertThat(LeaderElection.always().getAsBoolean()).isTrue();
    }
}
