package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.decision.NamespaceExemption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhooks send the controller exactly the requests it handles, to the paths it serves, and fail safely. */
class WebhookPolicyTest {

    static final List<String> TARGETS = Kustomize.TARGETS;

    private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    @ParameterizedTest(name = "{0}: CONNECT exec/attach/portforward and UPDATE pods/ephemeralcontainers reach the controller's paths")
    @FieldSource("TARGETS")
    void eachAdmittedRequestGoesToThePathThatHandlesIt(String target) {
        Map<String, String> routing = new HashMap<>();
        for (ValidatingWebhook webhook : Controller.in(target).webhooks().getWebhooks()) {
            for (RuleWithOperations rule : webhook.getRules()) {
                assertThat(rule.getApiGroups()).as(webhook.getName()).containsExactly("");
                assertThat(rule.getApiVersions()).as(webhook.getName()).containsExactly("v1");
                assertThat(rule.getScope()).as(webhook.getName()).isEqualTo("Namespaced");
                for (String operation : rule.getOperations()) {
                    for (String resource : rule.getResources()) {
                        String request = operation + " " + resource;
                        String path = webhook.getClientConfig().getService().getPath();
                        String previous = routing.put(request, path);
                        // Pod UPDATEs go through two webhooks with disjoint object selectors, to one path.
                        assertThat(previous).as(request + " is sent to two paths").isIn(null, path);
                    }
                }
            }
        }
        assertThat(routing).containsExactlyInAnyOrderEntriesOf(ControllerInterface.WEBHOOK_ROUTING);
    }

    @ParameterizedTest(name = "{0}: the webhooks call the rendered Service on 443, never a URL")
    @FieldSource("TARGETS")
    void webhooksCallTheService(String target) {
        Controller controller = Controller.in(target);
        assertThat(controller.webhooks().getWebhooks()).allSatisfy(webhook -> {
            assertThat(webhook.getClientConfig().getUrl()).isNull();
            ServiceReference service = webhook.getClientConfig().getService();
            assertThat(service.getName()).isEqualTo(controller.service().getMetadata().getName());
            assertThat(service.getNamespace()).isEqualTo(controller.service().getMetadata().getNamespace());
            assertThat(service.getPort() == null ? 443 : service.getPort())
                    .isEqualTo(ControllerInterface.SERVICE_PORT);
        });
    }

    @ParameterizedTest(name = "{0}: every webhook exempts the controller's namespace and kube-system, and only those")
    @FieldSource("TARGETS")
    void theOwnNamespaceAndKubeSystemAreExempt(String target) {
        Controller controller = Controller.in(target);
        assertThat(controller.namespace()).isEqualTo(NamespaceExemption.DEFAULT_CONTROLLER_NAMESPACE);
        assertThat(controller.webhooks().getWebhooks()).allSatisfy(webhook -> {
            LabelSelector selector = webhook.getNamespaceSelector();
            for (String exempt : NamespaceExemption.SHIPPED) {
                assertThat(Selectors.matches(selector, namespaceLabels(exempt)))
                        .as(webhook.getName() + " exempts " + exempt).isFalse();
            }
            assertThat(Selectors.matches(selector, namespaceLabels("default")))
                    .as(webhook.getName() + " still covers ordinary namespaces").isTrue();
            assertThat(Selectors.matches(selector, namespaceLabels("team-a"))).isTrue();
        });
    }

    /**
     * The controller refuses to act in the namespaces the webhooks leave out, whoever calls it; the manifests list
     * them by name and cannot read the Java constant, so the two lists must be the same, in the file an operator
     * edits. The opt-out label is the controller's too.
     */
    @Test
    void theWebhooksExemptExactlyTheNamespacesTheControllerNeverTracks() throws IOException {
        JsonNode configuration = new YAMLMapper().readTree(Kustomize.source().resolve("base/webhook.yaml").toFile());
        assertThat(configuration.path("webhooks")).isNotEmpty().allSatisfy(webhook -> {
            String name = webhook.path("name").asText();
            Map<String, List<String>> notIn = new HashMap<>();
            webhook.path("namespaceSelector").path("matchExpressions").forEach(e -> {
                assertThat(e.path("operator").asText()).as(name).isEqualTo("NotIn");
                List<String> values = new java.util.ArrayList<>();
                e.path("values").forEach(v -> values.add(v.asText()));
                notIn.put(e.path("key").asText(), values);
            });
            assertThat(notIn.get(NAMESPACE_NAME_LABEL)).as(name)
                    .containsExactlyInAnyOrderElementsOf(NamespaceExemption.SHIPPED);
            assertThat(notIn.keySet()).as(name).isSubsetOf(NAMESPACE_NAME_LABEL, PodKeys.DEFAULT.tracking());
            if (notIn.containsKey(PodKeys.DEFAULT.tracking())) {
                assertThat(notIn.get(PodKeys.DEFAULT.tracking())).as(name)
                        .containsExactly(PodKeys.TRACKING_DISABLED);
            }
        });
    }

    @ParameterizedTest(name = "{0}: the Namespace carries kubernetes.io/metadata.name itself (1.20 does not add it)")
    @FieldSource("TARGETS")
    void theNamespaceIsSelectableByNameOn120(String target) {
        Controller controller = Controller.in(target);
        Namespace namespace = controller.manifests().one(Namespace.class);
        assertThat(namespace.getMetadata().getName()).isEqualTo(controller.namespace());
        assertThat(namespace.getMetadata().getLabels())
                .containsEntry(NAMESPACE_NAME_LABEL, namespace.getMetadata().getName());
    }

    @ParameterizedTest(name = "{0}: failurePolicy, timeoutSeconds, sideEffects NoneOnDryRun and review versions v1, v1beta1 are set")
    @FieldSource("TARGETS")
    void everyWebhookIsExplicitAboutFailureTimeoutAndSideEffects(String target) {
        assertThat(Controller.in(target).webhooks().getWebhooks()).allSatisfy(webhook -> {
            assertThat(webhook.getFailurePolicy()).as(webhook.getName()).isIn("Fail", "Ignore");
            assertThat(webhook.getTimeoutSeconds()).as(webhook.getName()).isNotNull().isBetween(1, 10);
            assertThat(webhook.getSideEffects()).as(webhook.getName()).isEqualTo("NoneOnDryRun");
            assertThat(webhook.getAdmissionReviewVersions()).as(webhook.getName())
                    .containsExactlyElementsOf(ControllerInterface.ADMISSION_REVIEW_VERSIONS);
        });
    }

    @ParameterizedTest(name = "{0}: the webhook names are the project's own and unique")
    @FieldSource("TARGETS")
    void webhookNamesAreTheProjectsOwn(String target) {
        List<String> names = Controller.in(target).webhooks().getWebhooks().stream()
                .map(ValidatingWebhook::getName).toList();
        assertThat(names).doesNotHaveDuplicates()
                .allMatch(n -> n.endsWith(".kube-exec-controller.kubeexec.io"), "ends with .kube-exec-controller.kubeexec.io")
                .noneMatch(n -> n.contains("example"));
    }

    @ParameterizedTest(name = "{0}: pod UPDATEs reach the controller only for interacted, opted-out or denying pods; exec and debug on every pod")
    @FieldSource("TARGETS")
    void onlyInteractedAndOptedOutPodsUpdatesAreSent(String target) {
        Map<String, String> interacted = Map.of(PodKeys.DEFAULT.initialInteractionTimestamp(), "1634408037");
        Map<String, String> optedOut = Map.of(PodKeys.DEFAULT.tracking(), PodKeys.TRACKING_DISABLED);
        Map<String, String> denying = Map.of(PodKeys.DEFAULT.interactionPolicy(), PodKeys.POLICY_DENY);
        boolean interactedSeen = false;
        boolean optedOutSeen = false;
        boolean denyingSeen = false;
        for (ValidatingWebhook webhook : Controller.in(target).webhooks().getWebhooks()) {
            boolean plainPodUpdate = webhook.getRules().stream()
                    .anyMatch(r -> r.getResources().contains("pods") || r.getResources().contains("pods/status"));
            if (plainPodUpdate) {
                interactedSeen |= Selectors.matches(webhook.getObjectSelector(), interacted);
                optedOutSeen |= Selectors.matches(webhook.getObjectSelector(), optedOut);
                denyingSeen |= Selectors.matches(webhook.getObjectSelector(), denying);
                assertThat(Selectors.matches(webhook.getObjectSelector(), Map.of("app", "web")))
                        .as(webhook.getName() + " skips ordinary pods").isFalse();
            } else {
                assertThat(Selectors.matches(webhook.getObjectSelector(), Map.of("app", "web")))
                        .as(webhook.getName() + " must see every pod").isTrue();
            }
        }
        assertThat(interactedSeen).as("label protection sees interacted pods").isTrue();
        assertThat(optedOutSeen).as("the opt-out label's protection sees opted-out pods").isTrue();
        assertThat(denyingSeen).as("the deny label's protection sees pods created with it").isTrue();
    }

    @ParameterizedTest(name = "{0}: exec, debug and pod UPDATEs fail closed; only pods/status, which the kubelet writes, fails open")
    @FieldSource("TARGETS")
    void onlyTheKubeletsStatusUpdatesFailOpen(String target) {
        assertThat(Controller.in(target).webhooks().getWebhooks()).allSatisfy(webhook -> {
            boolean statusOnly = webhook.getRules().stream().allMatch(r -> r.getResources().equals(List.of("pods/status")));
            assertThat(webhook.getFailurePolicy()).as(webhook.getName()).isEqualTo(statusOnly ? "Ignore" : "Fail");
        });
    }

    /** The reason for each failurePolicy is written next to it, in the source an operator reads. */
    @Test
    void everyFailurePolicyIsExplainedWhereItIsSet() throws IOException {
        List<String> lines = Files.readAllLines(Kustomize.source().resolve("base/webhook.yaml"));
        int policies = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith("failurePolicy:")) {
                policies++;
                assertThat(lines.get(i - 1).trim()).as("line before '" + lines.get(i).trim() + "' (line " + (i + 1) + ")")
                        .startsWith("#");
            }
        }
        assertThat(policies).isEqualTo(Controller.in("base").webhooks().getWebhooks().size());
    }

    static Map<String, String> namespaceLabels(String name) {
        return Map.of(NAMESPACE_NAME_LABEL, name);
    }
}
