package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.kubeexec.controller.config.Flag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional cert-manager component on the base: certificate files from cert-manager instead of the self-managed
 * ones, its CA injected into the webhooks, and nothing left of the self-managed Secret.
 */
class CertManagerComponentTest {

    private static final String TARGET = Kustomize.baseWith("cert-manager");

    private Controller controller;

    @BeforeEach
    void render() {
        controller = Controller.in(TARGET);
    }

    @Test
    void theControllerReadsCertManagersSecretAsFilesInsteadOfKeepingItsOwn() {
        assertThat(controller.envValue(Flag.CERTIFICATE_SECRET.envName())).isEmpty();
        assertThat(controller.args()).containsEntry(Flag.CERT_PATH.flagName(), ControllerInterface.TLS_DIR + "/tls.crt")
                .containsEntry(Flag.KEY_PATH.flagName(), ControllerInterface.TLS_DIR + "/tls.key");
        VolumeMount mount = controller.mountAt(ControllerInterface.TLS_DIR);
        assertThat(mount.getReadOnly()).isTrue();
        assertThat(mount.getSubPath()).as("a subPath mount never sees a renewal").isNull();
        Volume volume = controller.volume(mount.getName());
        assertThat(volume.getSecret().getSecretName()).isEqualTo(ControllerInterface.TLS_SECRET);
        assertThat(volume.getSecret().getDefaultMode()).as("not world-readable").isNotNull()
                .satisfies(mode -> assertThat(mode & 0007).isZero());
        assertThat(volume.getSecret().getOptional()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void theSelfManagedSecretAndItsRoleAreLeftOut() {
        assertThat(controller.manifests().all(Secret.class)).as("cert-manager writes the Secret").isEmpty();
        assertThat(controller.manifests().all(Role.class)).noneMatch(role -> role.getRules().stream()
                .anyMatch(rule -> rule.getResources().contains("secrets")));
    }

    @Test
    void certManagerIssuesTheMountedSecretAndInjectsItsCa() {
        String mounted = controller.volume(controller.mountAt(ControllerInterface.TLS_DIR).getName())
                .getSecret().getSecretName();
        CertManager.Certificate certificate = certificateWritingTo(mounted);
        CertManager.Issuer issuer = issuer(certificate.spec().issuerRef().name());
        assertThat(certificate.metadata().getNamespace()).isEqualTo(controller.namespace());
        assertThat(certificate.spec().dnsNames()).contains(controller.service().getMetadata().getName() + "."
                + controller.service().getMetadata().getNamespace() + ".svc");
        assertThat(certificate.spec().usages()).contains(CertManager.Usage.SERVER_AUTH)
                // Presented as a client certificate to a peer at a hand-over, which mutual TLS checks.
                .contains(CertManager.Usage.CLIENT_AUTH);
        assertThat(certificate.spec().issuerRef().name()).isEqualTo(issuer.metadata().getName());
        assertThat(issuer.metadata().getNamespace()).isEqualTo(certificate.metadata().getNamespace());
        assertThat(controller.webhooks().getMetadata().getAnnotations()).containsEntry(
                "cert-manager.io/inject-ca-from",
                certificate.metadata().getNamespace() + "/" + certificate.metadata().getName());
        assertThat(controller.webhooks().getWebhooks())
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
    }

    @Test
    void theServingCertificateComesFromAStableCaSoARenewalNeverChangesTheCaBundle() {
        CertManager.Certificate serving = certificateWritingTo(ControllerInterface.TLS_SECRET);
        CertManager.Issuer caIssuer = issuer(serving.spec().issuerRef().name());
        assertThat(caIssuer.spec().selfSigned()).as("a self-signed leaf changes the CA at every renewal").isNull();
        assertThat(caIssuer.spec().ca()).isNotNull();
        CertManager.Certificate ca = certificateWritingTo(caIssuer.spec().ca().secretName());
        assertThat(ca.spec().isCA()).isTrue();
        assertThat(issuer(ca.spec().issuerRef().name()).spec().selfSigned()).isNotNull();
        assertThat(ca.spec().privateKey().rotationPolicy()).isEqualTo(CertManager.RotationPolicy.Never);
        assertThat(serving.spec().isCA()).isNotEqualTo(Boolean.TRUE);
    }

    private CertManager.Certificate certificateWritingTo(String secret) {
        return controller.manifests().all(CertManager.Certificate.class).stream()
                .filter(c -> secret.equals(c.spec().secretName())).findFirst()
                .orElseThrow(() -> new AssertionError("no Certificate writes the Secret " + secret));
    }

    private CertManager.Issuer issuer(String name) {
        return controller.manifests().all(CertManager.Issuer.class).stream()
                .filter(i -> name.equals(i.metadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no Issuer " + name));
    }
}
