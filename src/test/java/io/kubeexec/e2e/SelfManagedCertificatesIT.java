package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeexec.controller.support.TrustAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Self-managed certificates with the real kube-apiserver v1.20.2: two controllers started with -certificate-secret,
 * with the token of a ServiceAccount bound to the RBAC that kustomize/base renders (nothing more), fill the shipped
 * empty Secret with one certificate, write the caBundle of the shipped webhook configuration (created after they
 * start, pointed at them by URL), and a real {@code kubectl exec} is admitted through it: the API server verifies
 * their TLS with that caBundle. A forced renewal (the annotation) under a steady stream of execs denies none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfManagedCertificatesIT {

    private static final String CONTROLLER_NS = "kube-exec-controller";
    private static final String SECRET = "kube-exec-controller-certificate";
    private static final String CONFIGURATION = "kube-exec-controller";
    private static final String NS = "certs-e2e";

    private RealApiServer apiServer;
    private KubernetesClient kube;
    private Path serviceAccountKubeconfig;
    private ControllerProcess first;
    private ControllerProcess second;

    @BeforeAll
    void start() throws Exception {
        apiServer = RealApiServer.start();
        kube = apiServer.kube();
        for (HasMetadata object : renderedBase()) {
            if (!(object instanceof ValidatingWebhookConfiguration)
                    && !object.getKind().equals("Deployment") && !object.getKind().equals("Service")) {
                kube.resource(object).create();
            }
        }
        serviceAccountKubeconfig = serviceAccountKubeconfig();
        String[] flags = {"-certificate-secret", SECRET, "-controller-namespace", CONTROLLER_NS,
                // The API server calls https://localhost:PORT: the certificate must name localhost.
                "-service-name", "localhost", "-certificate-refresh", "1s", "-shutdown-delay", "0s",
                "-log-level", "debug"};
        // Both at once, before anything is in the Secret: they race for its first write.
        first = ControllerProcess.startWithoutFiles("certs-first", serviceAccountKubeconfig, flags);
        second = ControllerProcess.startWithoutFiles("certs-second", serviceAccountKubeconfig, flags);
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @AfterAll
    void stop() throws Exception {
        for (ControllerProcess controller : new ControllerProcess[] {first, second}) {
            if (controller != null) {
                controller.close();
            }
        }
        if (serviceAccountKubeconfig != null) {
            Files.deleteIfExists(serviceAccountKubeconfig);
        }
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @Test
    @Order(1)
    void withoutTheWebhookConfigurationTheSecretIsFilledButNoReplicaIsReady() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> data().containsKey("tls.crt"));
        assertThat(data()).containsKeys("ca.crt", "ca.key", "tls.crt", "tls.key");

        for (ControllerProcess controller : List.of(first, second)) {
            // Once its routes run, a replica answers; without the configuration, not ready.
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                var readiness = controller.health("/health/readiness");
                assertThat(readiness.statusCode()).as(controller.name()).isEqualTo(503);
                assertThat(readiness.body()).contains("caBundle of " + CONFIGURATION);
            });
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                    controller.health("/health/readiness").statusCode() == 503);
        }
    }

    @Test
    @Order(2)
    void theCaBundleIsWrittenIntoTheConfigurationCreatedLaterAndARealExecIsAdmittedThroughIt() throws Exception {
        registerWebhooks();
        first.awaitReady();
        second.awaitReady();

        String ca = data().get("ca.crt");
        ValidatingWebhookConfiguration configuration = kube.admissionRegistration().v1()
                .validatingWebhookConfigurations().withName(CONFIGURATION).get();
        assertThat(configuration.getWebhooks()).hasSize(registered()).allSatisfy(webhook -> assertThat(
                new String(Base64.getDecoder().decode(webhook.getClientConfig().getCaBundle()), StandardCharsets.US_ASCII))
                .as(webhook.getName()).isEqualTo(ca));
        createPod("real-exec");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> exec("real-exec").stderr().contains("does not have a host assigned"));
        await().atMost(Duration.ofSeconds(30)).until(() -> kube.pods().inNamespace(NS).withName("real-exec").get()
                .getMetadata().getLabels().containsKey("box.com/podInitialInteractionTimestamp"));
    }

    @Test
    @Order(3)
    void bothReplicasServeTheOneCertificateOneOfThemWrote() throws Exception {
        X509Certificate inSecret = certificate(data().get("tls.crt"));

        assertThat(served(first)).isEqualTo(inSecret);
        assertThat(served(second)).isEqualTo(inSecret);
        assertThat(secret().getMetadata().getAnnotations())
                .as("one write: the other replica's lost on the resourceVersion and took what was there")
                .containsEntry("kubeexec.io/certificate-generation", "1");
        assertThat(first.health("/metrics").body()).contains(
                "kube_exec_controller_certificate_expiry_timestamp_seconds "
                        + inSecret.getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    @Order(4)
    void aForcedRenewalUnderSteadyExecsDeniesNone() throws Exception {
        Map<String, String> before = data();
        X509Certificate oldCa = certificate(before.get("ca.crt"));
        createPod("steady");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        AtomicReference<String> firstDenial = new AtomicReference<>();
        Thread load = new Thread(() -> {
            while (running.get()) {
                Command exec = exec("steady");
                if (exec.stderr().contains("does not have a host assigned")) {
                    admitted.incrementAndGet();
                } else {
                    denied.incrementAndGet();
                    firstDenial.compareAndSet(null, exec.stderr());
                }
            }
        }, "steady-execs");
        load.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> admitted.get() >= 3);

        Instant asked = Instant.now();
        kube.secrets().inNamespace(CONTROLLER_NS).withName(SECRET).edit(secret -> {
            secret.getMetadata().getAnnotations().put("kubeexec.io/renew-certificate", asked.toString());
            return secret;
        });
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, String> data = data();
            return !data.get("ca.crt").equals(before.get("ca.crt")) && !data.containsKey("previous-ca.crt")
                    && !data.containsKey("next-ca.crt");
        });
        Duration rotation = Duration.between(asked, Instant.now());
        int admittedAtEnd = admitted.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> admitted.get() >= admittedAtEnd + 3);
        running.set(false);
        load.join();

        X509Certificate newCa = certificate(data().get("ca.crt"));
        X509Certificate serving = certificate(data().get("tls.crt"));
        serving.verify(newCa.getPublicKey());
        assertThat(newCa).isNotEqualTo(oldCa);
        assertThat(served(first)).isEqualTo(serving);
        assertThat(served(second)).isEqualTo(serving);
        assertThat(secret().getMetadata().getAnnotations())
                .as("stage, switch, drop: three writes, each by one replica")
                .containsEntry("kubeexec.io/certificate-generation", "4")
                .containsEntry("kubeexec.io/certificate-renewed-for", asked.toString());
        ValidatingWebhookConfiguration configuration = kube.admissionRegistration().v1()
                .validatingWebhookConfigurations().withName(CONFIGURATION).get();
        assertThat(configuration.getWebhooks()).allSatisfy(webhook -> assertThat(
                certificates(new String(Base64.getDecoder().decode(webhook.getClientConfig().getCaBundle()),
                        StandardCharsets.US_ASCII))).as("only the new CA is left").containsExactly(newCa));
        System.out.printf("Forced renewal: %d execs admitted, %d denied; rotation took %d ms%n", admitted.get(),
                denied.get(), rotation.toMillis());
        assertThat(denied.get()).as("execs denied during the renewal; the first: %s", firstDenial.get()).isZero();
        assertThat(admitted.get()).isGreaterThanOrEqualTo(6);
    }

    @Test
    @Order(5)
    void reApplyingTheManifestsKeepsTheCertificateAndTheCaBundle() throws Exception {
        Map<String, String> before = data();
        String bundle = caBundles().get(0);
        ValidatingWebhookConfiguration shipped = kube.admissionRegistration().v1().validatingWebhookConfigurations()
                .withName(CONFIGURATION).get();
        List<ValidatingWebhook> withoutBundle = shipped.getWebhooks().stream().map(w -> new ValidatingWebhookBuilder(w)
                .editClientConfig().withCaBundle(null).endClientConfig().build()).toList();
        Secret emptySecret = renderedBase().stream().filter(Secret.class::isInstance).map(Secret.class::cast)
                .findFirst().orElseThrow();
        String manifests = Serialization.asYaml(emptySecret) + Serialization.asYaml(
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(CONFIGURATION).endMetadata()
                        .withWebhooks(withoutBundle).build());

        for (int apply = 1; apply <= 2; apply++) {
            Path file = Files.createTempFile("release", ".yaml");
            Files.writeString(file, manifests.replace("\n---\n---", "\n---"));
            Command applied = Command.run(List.of("kubectl", "--kubeconfig", apiServer.kubeconfig().toString(),
                    "apply", "-f", file.toString()), Map.of(), Duration.ofSeconds(60));
            Files.delete(file);
            assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        }

        assertThat(data()).isEqualTo(before);
        assertThat(caBundles()).hasSize(registered()).containsOnly(bundle);
    }

    private List<String> caBundles() {
        return kube.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION).get()
                .getWebhooks().stream().map(w -> w.getClientConfig().getCaBundle()).toList();
    }

    @Test
    @Order(6)
    void theServiceAccountsRbacWasEnough() {
        for (ControllerProcess controller : List.of(first, second)) {
            assertThat(controller.log()).as(controller.name()).doesNotContain("Forbidden").doesNotContain(" 403 ");
        }
    }

    /** kustomize/base as `kubectl kustomize` renders it. */
    private List<HasMetadata> renderedBase() {
        Command render = Command.run(List.of("kubectl", "kustomize", "kustomize/base"), Map.of(), Duration.ofSeconds(60));
        assertThat(render.exitCode()).as(render.stderr()).isZero();
        return kube.load(new ByteArrayInputStream(render.stdout().getBytes(StandardCharsets.UTF_8))).items();
    }

    /** The shipped webhooks, called by URL on the controllers' ports; one more interaction webhook for the second. */
    /** The shipped webhooks, and the second replica's pod-interaction. */
    private int registered() {
        return shipped().getWebhooks().size() + 1;
    }

    private ValidatingWebhookConfiguration shipped() {
        return renderedBase().stream()
                .filter(ValidatingWebhookConfiguration.class::isInstance).map(ValidatingWebhookConfiguration.class::cast)
                .findFirst().orElseThrow();
    }

    private void registerWebhooks() {
        ValidatingWebhookConfiguration shipped = shipped();
        assertThat(shipped.getWebhooks()).allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
        List<ValidatingWebhook> webhooks = new ArrayList<>();
        for (ValidatingWebhook webhook : shipped.getWebhooks()) {
            webhooks.add(byUrl(webhook, first));
            if (webhook.getName().startsWith("pod-interaction.")) {
                webhooks.add(new ValidatingWebhookBuilder(byUrl(webhook, second))
                        .withName("second-" + webhook.getName()).build());
            }
        }
        kube.resource(new ValidatingWebhookConfigurationBuilder(shipped).withWebhooks(webhooks).build()).create();
    }

    private static ValidatingWebhook byUrl(ValidatingWebhook webhook, ControllerProcess controller) {
        String path = webhook.getClientConfig().getService().getPath();
        return new ValidatingWebhookBuilder(webhook).withNewClientConfig()
                .withUrl("https://localhost:" + controller.port() + path).endClientConfig().build();
    }

    /** A kubeconfig with the token of the ServiceAccount kube-exec-controller (the TokenRequest API). */
    private Path serviceAccountKubeconfig() throws Exception {
        String token = kube.serviceAccounts().inNamespace(CONTROLLER_NS).withName("kube-exec-controller")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        Config config = Serialization.unmarshal(Files.readString(apiServer.kubeconfig()), Config.class);
        for (NamedAuthInfo user : config.getUsers()) {
            user.getUser().setClientCertificate(null);
            user.getUser().setClientCertificateData(null);
            user.getUser().setClientKey(null);
            user.getUser().setClientKeyData(null);
            user.getUser().setToken(token);
        }
        Path file = Files.createTempFile("service-account", ".kubeconfig");
        Files.writeString(file, Serialization.asYaml(config));
        return file;
    }

    private Secret secret() {
        return kube.secrets().inNamespace(CONTROLLER_NS).withName(SECRET).get();
    }

    private Map<String, String> data() {
        Map<String, String> decoded = new TreeMap<>();
        Map<String, String> data = secret().getData();
        if (data != null) {
            data.forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.US_ASCII)));
        }
        return decoded;
    }

    private void createPod(String name) {
        kube.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName(name)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("certs-rs")
                .withUid("4b7e4a4e-0000-4000-8000-000000000024").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec()
                .build()).create();
    }

    private Command exec(String pod) {
        return Command.run(List.of("kubectl", "--kubeconfig", apiServer.kubeconfig().toString(), "exec", "-n", NS,
                pod, "--", "true"), Map.of(), Duration.ofSeconds(60));
    }

    /** The certificate a controller presents in a TLS handshake now. */
    private static X509Certificate served(ControllerProcess controller) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), controller.port())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return certificates(pem).get(0);
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                .map(X509Certificate.class::cast).toList();
    }
}
