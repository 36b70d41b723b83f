package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.support.TestController;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;

/**
 * The webhooks the e2e tests register on the real API server: by URL on 127.0.0.1, trusting the test certificate,
 * failing closed, as the shipped configuration does by Service.
 */
final class TestWebhooks {

    private TestWebhooks() {
    }

    /** CONNECT on pods/exec, attach and portforward, to {@code baseUrl}/admit-pod-interaction. */
    static ValidatingWebhook interaction(String baseUrl) {
        return webhook("pod-interaction.kube-exec-controller.io", baseUrl + "/admit-pod-interaction", "CONNECT",
                "pods/exec", "pods/attach", "pods/portforward");
    }

    /** UPDATE on pods, pods/status and pods/ephemeralcontainers, to {@code baseUrl}/admit-pod-update. */
    static ValidatingWebhook podUpdate(String baseUrl) {
        return webhook("pod-update.kube-exec-controller.io", baseUrl + "/admit-pod-update", "UPDATE",
                "pods", "pods/status", "pods/ephemeralcontainers");
    }

    /** {@code webhook}, for the one namespace named (1.20 does not label namespaces by name: label it yourself). */
    static ValidatingWebhook onlyIn(String namespace, ValidatingWebhook webhook) {
        LabelSelector selector = new LabelSelectorBuilder().addNewMatchExpression()
                .withKey("kubernetes.io/metadata.name").withOperator("In").withValues(namespace).endMatchExpression()
                .build();
        return new ValidatingWebhookBuilder(webhook).withNamespaceSelector(selector).build();
    }

    static void register(KubernetesClient kube, String name, ValidatingWebhook... webhooks) {
        kube.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
                        .withWebhooks(webhooks).build())
                .create();
    }

    private static ValidatingWebhook webhook(String name, String url, String operation, String... resources) {
        return new ValidatingWebhookBuilder().withName(name)
                .withNewClientConfig().withUrl(url).withCaBundle(caBundle()).endClientConfig()
                .addNewRule().withOperations(operation).withApiGroups("").withApiVersions("v1")
                .withResources(resources).endRule()
                .withFailurePolicy("Fail").withSideEffects("NoneOnDryRun").withTimeoutSeconds(10)
                .withAdmissionReviewVersions("v1", "v1beta1").build();
    }

    private static String caBundle() {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(TestController.resource("tls/tls.crt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
