package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kubeexec.controller.config.Flag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What managed clusters need of the manifests, read from the rendered objects. InstallIT emulates each trap on a real
 * cluster (GKE's quota admission, a 443/10250-only firewall); this class keeps every target in line with it.
 */
class ManagedClusterTest {

    static final List<String> TARGETS = Kustomize.TARGETS;
    /** The ports a GKE private cluster's control plane may reach nodes and pods on. */
    static final Set<Integer> GKE_CONTROL_PLANE_PORTS = Set.of(443, 10250);
    /** The node's own ports a host-network webhook must not take: kubelet, kube-proxy, controller manager, scheduler. */
    static final Set<Integer> NODE_PORTS = Set.of(10248, 10249, 10250, 10255, 10256, 10257, 10259);

    @ParameterizedTest(name = "{0}: the critical priority class has a quota scoped to it in the controller's namespace (GKE)")
    @FieldSource("TARGETS")
    void theCriticalPriorityClassHasItsQuota(String target) {
        Controller controller = Controller.in(target);
        String priorityClass = controller.pod().getPriorityClassName();
        ResourceQuota quota = controller.manifests().one(ResourceQuota.class);
        assertThat(quota.getMetadata().getNamespace()).isEqualTo(controller.namespace());
        assertThat(quota.getSpec().getScopeSelector().getMatchExpressions()).singleElement()
                .isEqualTo(new ScopedResourceSelectorRequirement("In", "PriorityClass", List.of(priorityClass)));
        int replicas = controller.deployment().getSpec().getReplicas();
        // A rollout: the replicas, one surge pod, and the old ones still terminating.
        assertThat(Integer.parseInt(quota.getSpec().getHard().get("pods").getAmount()))
                .isGreaterThanOrEqualTo(2 * replicas + 1);
    }

    @ParameterizedTest(name = "{0}: the webhook listens on a port a GKE private cluster's control plane may reach")
    @FieldSource("TARGETS")
    void theWebhookPortPassesAGkePrivateClustersFirewall(String target) {
        Controller controller = Controller.in(target);
        int port = controller.containerPort(controller.service().getSpec().getPorts().get(0).getTargetPort());
        assertThat(GKE_CONTROL_PLANE_PORTS).contains(port);
        assertThat(controller.args().get(Flag.PORT.flagName())).isEqualTo(String.valueOf(port));
    }

    @ParameterizedTest(name = "{0}: AKS's admissions enforcer leaves the webhook configuration alone")
    @FieldSource("TARGETS")
    void aksLeavesTheWebhooksAlone(String target) {
        assertThat(Controller.in(target).webhooks().getMetadata().getAnnotations())
                .containsEntry("admissions.enforcer/disabled", "true");
    }

    @Test
    void productionsBudgetNeverLetsACrashLoopingReplicaBlockANodeDrain() {
        assertThat(Controller.in("overlays/production").manifests().one(PodDisruptionBudget.class).getSpec()
                .getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
    }

    @Test
    void theHostNetworkComponentPutsTheWebhookOnTheNodeOnPortsNoNodeComponentUses() {
        Controller base = Controller.in("base");
        Controller controller = Controller.in(Kustomize.baseWith("host-network"));

        assertThat(controller.pod().getHostNetwork()).isTrue();
        assertThat(controller.pod().getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        int webhook = controller.containerPort(controller.service().getSpec().getPorts().get(0).getTargetPort());
        int health = Integer.parseInt(controller.args().get(Flag.HEALTH_PORT.flagName()));
        assertThat(controller.args().get(Flag.PORT.flagName())).isEqualTo(String.valueOf(webhook));
        assertThat(controller.containerPort(new io.fabric8.kubernetes.api.model.IntOrString("health"))).isEqualTo(health);
        assertThat(List.of(webhook, health)).doesNotContainAnyElementsOf(NODE_PORTS).doesNotHaveDuplicates();
        assertThat(controller.container().getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
        // Nothing else moves.
        assertThat(controller.args().keySet()).containsAll(base.args().keySet());
        assertThat(controller.container().getEnv()).isEqualTo(base.container().getEnv());
    }
}
