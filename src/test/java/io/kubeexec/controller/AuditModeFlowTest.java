package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Audit mode ({@code -dry-run}) through the real YAML routes: label, annotate and announce, never evict. */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditModeFlowTest {

    private static final String NS = "audited";
    private TestController audit;

    @BeforeAll
    void start() {
        audit = new TestController(Map.of("scan-interval", "200ms", "dry-run", "true", "ttl-seconds", "1"));
    }

    @AfterAll
    void stop() {
        audit.close();
    }

    @Test
    void inAuditModeAnExecIsRecordedAndAnnouncedAsWouldBeEvictedButNeverEvicted() {
        List<String> bodies = audit.expectEvictions(NS, "audited", 201, "{\"kind\":\"Status\",\"code\":201}");
        audit.kube().pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("audited")
                .withNamespace(NS).addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName("web-rs").withUid("rs-uid").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec()
                .build()).create();

        assertThat(audit.post("/admit-pod-interaction", Reviews.exec(NS, "audited", "alice")).body())
                .contains("\"allowed\":true");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(audit.eventNotes(NS, "audited"))
                .anySatisfy(n -> assertThat(n).startsWith("Pod was interacted with 'kubectl exec/attach' command"))
                .anySatisfy(n -> assertThat(n).startsWith("Pod would be evicted at time ")
                        .endsWith("; audit mode (-dry-run) never evicts"))
                .anySatisfy(n -> assertThat(n).startsWith("Pod would be evicted at time ")
                        .endsWith(" because its interaction TTL expired; audit mode (-dry-run) never evicts")));
        assertThat(audit.kube().pods().inNamespace(NS).withName("audited").get().getMetadata().getLabels())
                .containsEntry("box.com/podTTLDuration", "1s");
        assertThat(bodies).isEmpty();
        assertThat(audit.eventNotes(NS, "audited")).noneMatch(n -> n.startsWith("Pod was evicted"));
    }
}
