package io.kubeexec.controller.tls;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.support.TestPods;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * -client-ca-path on the running application, over real TLS: only a caller with a certificate from that CA is
 * answered, and a caller without one causes nothing. The probes and metrics, on their own plain-HTTP port, need no
 * certificate.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsHttpsTest {

    private static final String NS = "mtls";

    private Path dir;
    private TestController controller;
    private KubernetesClient kube;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("mtls");
        Openssl openssl = new Openssl(dir);
        openssl.certificateAuthority("api-server-client-ca", "client-ca.crt", "client-ca.key");
        openssl.clientCertificate("client-ca.crt", "client-ca.key", "kube-apiserver", "apiserver.crt", "apiserver.key");
        openssl.certificateAuthority("impostor-ca", "impostor-ca.crt", "impostor-ca.key");
        openssl.clientCertificate("impostor-ca.crt", "impostor-ca.key", "kube-apiserver", "impostor.crt",
                "impostor.key");
        controller = new TestController(Map.of("client-ca-path", dir.resolve("client-ca.crt").toString()));
        kube = controller.kube();
    }

    @AfterAll
    void stop() throws IOException {
        controller.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void theApiServersCertificateIsAnsweredAndItsExecRecorded() throws Exception {
        TestPods.create(kube, NS, "real-exec");

        HttpResponse<String> answer = post(client("apiserver"), Reviews.exec(NS, "real-exec", "alice"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"allowed\":true");
        assertThat(TestPods.awaitLabels(kube, NS, "real-exec")).containsEntry("box.com/podInteractorUsername", "alice");
    }

    @Test
    void aCallerWithoutACertificateFailsTheHandshakeAndCausesNothing() throws Exception {
        Pod target = TestPods.create(kube, NS, "forged-no-certificate");
        TestPods.create(kube, NS, "control-no-certificate");

        assertThatThrownBy(() -> post(client(null), Reviews.exec(NS, "forged-no-certificate", "mallory")))
                .isInstanceOf(IOException.class);
        post(client("apiserver"), Reviews.exec(NS, "control-no-certificate", "alice"));

        TestPods.awaitLabels(kube, NS, "control-no-certificate");
        unchanged(target);
    }

    @Test
    void aCertificateFromAnotherCaFailsTheHandshakeAndCausesNothing() throws Exception {
        Pod target = TestPods.create(kube, NS, "forged-impostor");
        TestPods.create(kube, NS, "control-impostor");

        assertThatThrownBy(() -> post(client("impostor"), Reviews.exec(NS, "forged-impostor", "mallory")))
                .isInstanceOf(IOException.class);
        post(client("apiserver"), Reviews.exec(NS, "control-impostor", "alice"));

        TestPods.awaitLabels(kube, NS, "control-impostor");
        unchanged(target);
    }

    @Test
    void theProbesAndMetricsNeedNoCertificate() {
        assertThat(controller.getHealth("/health/readiness").statusCode()).isEqualTo(200);
        assertThat(controller.getHealth("/metrics").body()).contains("kube_exec_controller_interactions_total");
    }

    private void unchanged(Pod before) {
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
                kube.pods().inNamespace(NS).withName(before.getMetadata().getName()).get().getMetadata()
                        .getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion()));
    }

    private HttpResponse<String> post(HttpClient client, String review) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(controller.uri("/admit-pod-interaction?timeout=10s"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Trusts the serving certificate; presents {@code name}.crt/.key when a name is given. */
    private HttpClient client(String name) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(TestController.resource("tls/tls.crt"))) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (name != null) {
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(PemKeyStore.load(dir.resolve(name + ".crt"), dir.resolve(name + ".key")),
                    PemKeyStore.PASSWORD);
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
