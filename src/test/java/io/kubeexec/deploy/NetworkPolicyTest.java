package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The network-policy component, as production renders it: into the controller's pods come the webhook port (from
 * anywhere: the API server cannot be named portably) and the health port (from the scrapers' namespace only), and
 * nothing else. The base and the demo ship none, since its metrics rule depends on where the scrapers run.
 */
class NetworkPolicyTest {

    private final Controller controller = Controller.in("overlays/production");
    private final NetworkPolicy policy = controller.manifests().one(NetworkPolicy.class);

    @Test
    void itSelectsTheControllersPodsInItsNamespaceAndRulesIngressOnly() {
        assertThat(policy.getMetadata().getNamespace()).isEqualTo(controller.namespace());
        assertThat(Selectors.matches(policy.getSpec().getPodSelector(), controller.podLabels())).isTrue();
        assertThat(Selectors.matches(policy.getSpec().getPodSelector(), Map.of("app", "web"))).isFalse();
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
    }

    @Test
    void theWebhookPortIsOpenAndTheHealthPortOnlyToTheScrapersNamespace() {
        List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress();
        assertThat(rules).hasSize(2);
        assertThat(rules).allSatisfy(rule -> assertThat(rule.getPorts()).hasSize(1));

        NetworkPolicyIngressRule webhook = ruleFor(rules, ControllerInterface.PORT);
        assertThat(webhook.getFrom()).as("the API server has no pod labels to select").isNullOrEmpty();

        NetworkPolicyIngressRule metrics = ruleFor(rules, ControllerInterface.HEALTH_PORT);
        assertThat(metrics.getFrom()).hasSize(1);
        NetworkPolicyPeer scrapers = metrics.getFrom().get(0);
        assertThat(scrapers.getIpBlock()).isNull();
        assertThat(scrapers.getPodSelector()).isNull();
        assertThat(Selectors.matches(scrapers.getNamespaceSelector(),
                Map.of("kubernetes.io/metadata.name", "monitoring"))).isTrue();
        assertThat(Selectors.matches(scrapers.getNamespaceSelector(),
                Map.of("kubernetes.io/metadata.name", "team-a"))).isFalse();
    }

    @Test
    void theScrapeAnnotationsPointAtThePortThePolicyOpensToScrapers() {
        String scraped = controller.deployment().getSpec().getTemplate().getMetadata().getAnnotations()
                .get("prometheus.io/port");
        NetworkPolicyIngressRule metrics = ruleFor(policy.getSpec().getIngress(), Integer.parseInt(scraped));
        assertThat(metrics.getFrom()).isNotEmpty();
    }

    @Test
    void theBaseAndTheDemoShipNoPolicy() {
        assertThat(Controller.in("base").manifests().all(NetworkPolicy.class)).isEmpty();
        assertThat(Controller.in("overlays/demo").manifests().all(NetworkPolicy.class)).isEmpty();
    }

    private NetworkPolicyIngressRule ruleFor(List<NetworkPolicyIngressRule> rules, int containerPort) {
        return rules.stream().filter(rule -> rule.getPorts().stream().anyMatch(p -> resolves(p, containerPort)))
                .findFirst().orElseThrow(() -> new AssertionError("no ingress rule for container port " + containerPort));
    }

    private boolean resolves(NetworkPolicyPort port, int containerPort) {
        IntOrString value = port.getPort();
        return "TCP".equals(port.getProtocol() == null ? "TCP" : port.getProtocol())
                && controller.containerPort(value) == containerPort;
    }
}
