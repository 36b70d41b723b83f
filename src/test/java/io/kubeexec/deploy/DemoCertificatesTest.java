package io.kubeexec.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** overlays/demo/gen-certs.sh: openssl only, and what it writes is what the API server and controller need. */
class DemoCertificatesTest {

    private static final Path SCRIPT = Kustomize.source().resolve("overlays/demo/gen-certs.sh");

    @Test
    void writesACaAndAServingCertificateForTheWebhookService(@TempDir Path dir) throws Exception {
        assertThat(generate(dir).exitCode()).isZero();
        X509Certificate ca = OverlaysTest.certificate(base64(dir.resolve("ca.crt")));
        X509Certificate serving = OverlaysTest.certificate(base64(dir.resolve("tls.crt")));

        serving.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).as("ca.crt is a CA").isGreaterThanOrEqualTo(0);
        assertThat(serving.getBasicConstraints()).as("tls.crt is not a CA").isEqualTo(-1);
        assertThat(serving.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(OverlaysTest.dnsNames(serving)).contains(
                "kube-exec-controller.kube-exec-controller.svc",
                "kube-exec-controller.kube-exec-controller.svc.cluster.local");

        // The key is unencrypted PKCS#8 PEM and belongs to the certificate.
        String pem = Files.readString(dir.resolve("tls.key"));
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update("kube-exec-controller".getBytes());
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(serving.getPublicKey());
        verifier.update("kube-exec-controller".getBytes());
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void keepsAValidCertificateAndReplacesItWhenForced(@TempDir Path dir) throws Exception {
        generate(dir);
        byte[] first = Files.readAllBytes(dir.resolve("tls.crt"));
        assertThat(generate(dir).stdout()).contains("reusing");
        assertThat(Files.readAllBytes(dir.resolve("tls.crt"))).isEqualTo(first);
        assertThat(Kustomize.run(List.of("sh", SCRIPT.toString(), "--force", dir.toString()), null).exitCode())
                .isZero();
        assertThat(Files.readAllBytes(dir.resolve("tls.crt"))).isNotEqualTo(first);
    }

    @Test
    void namesTheServiceInAnotherNamespace(@TempDir Path dir) throws Exception {
        Kustomize.Result result = Kustomize.run(List.of("env", "NAMESPACE=security", "sh", SCRIPT.toString(),
                dir.toString()), null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        X509Certificate serving = OverlaysTest.certificate(base64(dir.resolve("tls.crt")));
        assertThat(OverlaysTest.dnsNames(serving))
                .contains("kube-exec-controller.security.svc");
    }

    @Test
    void usesNoMacOsOnlyToolAndDownloadsNothing() throws Exception {
        String script = Files.readString(SCRIPT);
        assertThat(script).startsWith("#!/bin/sh\n")
                .doesNotContain("curl ", "wget ", "cfssl", "security ", "base64 -D", "sed -i");
    }

    private static Kustomize.Result generate(Path dir) {
        Kustomize.Result result = Kustomize.run(List.of("sh", SCRIPT.toString(), dir.toString()), null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result;
    }

    private static String base64(Path file) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }
}
