package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubeexec.controller.decision.CertificateRotation;
import io.kubeexec.controller.decision.CertificateRotation.Phase;
import io.kubeexec.controller.decision.CertificateRotation.Step;
import io.kubeexec.controller.tls.CertificateIssuer;
import io.kubeexec.controller.tls.CertificateIssuer.Issued;
import io.kubeexec.controller.tls.PemKeyStore;
import io.kubeexec.controller.tls.SecretKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Self-managed certificates (-certificate-secret): every replica reads the Secret every -certificate-refresh, serves
 * the certificate it holds, keeps the webhook configuration's caBundle equal to the CAs it holds, and makes the one
 * change {@link CertificateRotation} asks for. Replicas agree through the Secret's resourceVersion: of two that write
 * at once, one gets a 409, reads again and serves what the other wrote.
 */
public final class SelfManagedCertificates {

    /** Any new value makes the controller rotate (new CA, new serving certificate), as before expiry. */
    public static final String RENEW_ANNOTATION = "kubeexec.io/renew-certificate";
    static final String RENEWED_FOR = "kubeexec.io/certificate-renewed-for";
    static final String GENERATION = "kubeexec.io/certificate-generation";
    static final String PHASE_SINCE = "kubeexec.io/certificate-phase-since";
    /** On the webhook configuration: the Secret's uid and generation its caBundle came from. */
    static final String BUNDLE_FROM = "kubeexec.io/ca-bundle-from";

    static final String CA_CRT = "ca.crt";
    static final String CA_KEY = "ca.key";
    static final String TLS_CRT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    static final String NEXT_CA_CRT = "next-ca.crt";
    static final String NEXT_CA_KEY = "next-ca.key";
    static final String PREVIOUS_CA_CRT = "previous-ca.crt";

    private static final Logger LOG = LoggerFactory.getLogger(SelfManagedCertificates.class);
    /** Until ready, a failed round (no webhook configuration yet, the API server not answering) is retried this soon. */
    private static final Duration RETRY_UNTIL_READY = Duration.ofSeconds(1);
    /** Writes that lose a race are retried at once, with what the winner wrote; more than this waits a period. */
    private static final int WRITE_ATTEMPTS = 3;

    private final KubernetesClient client;
    private final String namespace;
    private final String secretName;
    private final String webhookConfiguration;
    private final List<String> dnsNames;
    private final CertificateRotation rotation;
    private final Duration refresh;
    private final Clock clock;
    private final SecretKeyManager keyManager;
    private final CertificateIssuer issuer = new CertificateIssuer();
    private final AtomicBoolean ready = new AtomicBoolean();
    private volatile List<X509Certificate> trusted = List.of();
    private volatile String lastProblem = "";
    private ScheduledExecutorService timer;

    public SelfManagedCertificates(KubernetesClient client, String namespace, String secretName,
            String webhookConfiguration, List<String> dnsNames, Duration refresh, Clock clock,
            SecretKeyManager keyManager) {
        this.client = client;
        this.namespace = namespace;
        this.secretName = secretName;
        this.webhookConfiguration = webhookConfiguration;
        this.dnsNames = List.copyOf(dnsNames);
        this.refresh = refresh;
        // Longer than a replica takes to see a change: it reads the Secret every period, and a read can be slow.
        this.rotation = new CertificateRotation(refresh.multipliedBy(3));
        this.clock = clock;
        this.keyManager = keyManager;
    }

    /** The serving certificate's DNS names for a Service: NAME, NAME.NS, NAME.NS.svc, NAME.NS.svc.cluster.local. */
    public static List<String> dnsNames(String service, String namespace) {
        return List.of(service, service + "." + namespace, service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local");
    }

    /** Reads the Secret now and then every period (every second until ready), on a daemon thread of its own. */
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "certificates");
            thread.setDaemon(true);
            return thread;
        });
        timer.execute(this::round);
    }

    private void round() {
        refreshQuietly();
        Duration next = ready() || refresh.compareTo(RETRY_UNTIL_READY) < 0 ? refresh : RETRY_UNTIL_READY;
        timer.schedule(this::round, next.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once this replica served a certificate from the Secret while the caBundle held its CA; it stays true. */
    public boolean ready() {
        return ready.get();
    }

    /** Why {@link #ready} is still false. */
    public String notReadyReason() {
        return "the serving certificate from the Secret " + namespace + "/" + secretName
                + " is not served yet, or the caBundle of " + webhookConfiguration + " does not trust its CA"
                + (lastProblem.isEmpty() ? "" : " (" + lastProblem + ")");
    }

    /** The CAs the Secret holds now (those the caBundle trusts): the peers of a hand-over are trusted by them. */
    public List<X509Certificate> trustedCas() {
        return trusted;
    }

    private void refreshQuietly() {
        try {
            refreshOnce();
            lastProblem = "";
        } catch (RuntimeException e) {
            lastProblem = e.getMessage();
            LOG.warn("Certificates: {}", e.getMessage());
        }
    }

    /** One round: read, serve, repair the bundle, and make the rotation's next change (if any is due). */
    void refreshOnce() {
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
            Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
            if (secret == null) {
                throw new IllegalStateException("the Secret " + namespace + "/" + secretName
                        + " does not exist (the manifests create it, empty; the controller may not create Secrets)");
            }
            Held held = Held.of(secret);
            Instant now = clock.instant();
            CertificateRotation.Secret state = state(held, now);
            if (state.usable()) {
                serve(held);
                state = withBundle(state, repairBundle(held));
            }
            Step step = rotation.next(state, now);
            if (step == Step.NONE) {
                return;
            }
            Map<String, String> data = change(step, held, now);
            try {
                Secret written = write(secret, held, data, step, now);
                LOG.info("Certificates: {} in the Secret {}/{} ({})", describe(step), namespace, secretName,
                        summary(Held.of(written)));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw new IllegalStateException("cannot write the Secret " + namespace + "/" + secretName + ": "
                            + e.getCode() + " " + e.getMessage(), e);
                }
                LOG.debug("Certificates: another replica wrote the Secret first; reading what it wrote");
            }
            // Read again: serve what was written (ours or the other replica's) and put its CAs in the bundle.
        }
    }

    private CertificateRotation.Secret state(Held held, Instant now) {
        try {
            X509Certificate ca = CertificateIssuer.certificate(held.require(CA_CRT));
            X509Certificate serving = CertificateIssuer.certificate(held.require(TLS_CRT));
            serving.verify(ca.getPublicKey());
            PemKeyStore.fromPem(held.require(TLS_CRT), held.require(TLS_KEY), TLS_CRT, TLS_KEY);
            PemKeyStore.privateKey(held.require(CA_KEY));
            Phase phase = held.has(NEXT_CA_CRT) && held.has(NEXT_CA_KEY) ? Phase.STAGED
                    : held.has(PREVIOUS_CA_CRT) ? Phase.SWITCHED : Phase.STABLE;
            Set<String> names = new HashSet<>();
            if (serving.getSubjectAlternativeNames() != null) {
                serving.getSubjectAlternativeNames().forEach(san -> names.add(String.valueOf(san.get(1))));
            }
            String requested = held.annotation(RENEW_ANNOTATION);
            return new CertificateRotation.Secret(true, phase, held.phaseSince(), ca.getNotAfter().toInstant(),
                    serving.getNotBefore().toInstant(), serving.getNotAfter().toInstant(),
                    names.equals(new HashSet<>(dnsNames)),
                    !requested.isEmpty() && !requested.equals(held.annotation(RENEWED_FOR)), false);
        } catch (Exception e) {
            if (!held.data.isEmpty()) {
                LOG.warn("Certificates: the Secret {}/{} holds no usable CA and serving certificate ({}): "
                        + "making new ones", namespace, secretName, e.getMessage());
            }
            return CertificateRotation.Secret.unusable();
        }
    }

    private static CertificateRotation.Secret withBundle(CertificateRotation.Secret s, boolean bundleHoldsEveryCa) {
        return new CertificateRotation.Secret(s.usable(), s.phase(), s.phaseSince(), s.caNotAfter(),
                s.servingNotBefore(), s.servingNotAfter(), s.servingFitsNames(), s.renewalRequested(),
                bundleHoldsEveryCa);
    }

    private void serve(Held held) {
        String before = keyManager.servedPem();
        keyManager.serve(held.require(TLS_CRT), held.require(TLS_KEY), "the Secret " + namespace + "/" + secretName);
        if (!held.require(TLS_CRT).equals(before)) {
            LOG.info("Certificates: serving the certificate from the Secret {}/{} ({})", namespace, secretName,
                    summary(held));
        }
        List<X509Certificate> cas = new ArrayList<>();
        for (String key : List.of(CA_CRT, NEXT_CA_CRT, PREVIOUS_CA_CRT)) {
            if (held.has(key)) {
                cas.addAll(CertificateIssuer.certificates(held.require(key)));
            }
        }
        trusted = List.copyOf(cas);
    }

    /** The PEM the caBundle holds: the current CA, then the next or the previous one during a rotation. */
    static String bundle(Held held) {
        StringBuilder bundle = new StringBuilder(held.require(CA_CRT));
        for (String key : List.of(NEXT_CA_CRT, PREVIOUS_CA_CRT)) {
            if (held.has(key)) {
                bundle.append(held.require(key));
            }
        }
        return bundle.toString();
    }

    /**
     * Makes every webhook's caBundle the Secret's bundle, unless it came from a newer state of the Secret than this
     * replica read. Returns whether the configuration holds the bundle now.
     */
    private boolean repairBundle(Held held) {
        ValidatingWebhookConfiguration configuration = client.admissionRegistration().v1()
                .validatingWebhookConfigurations().withName(webhookConfiguration).get();
        if (configuration == null) {
            throw new IllegalStateException("the ValidatingWebhookConfiguration " + webhookConfiguration
                    + " does not exist (yet): its caBundle cannot be set");
        }
        String bundle = Base64.getEncoder().encodeToString(bundle(held).getBytes(StandardCharsets.US_ASCII));
        List<ValidatingWebhook> webhooks = configuration.getWebhooks() == null ? List.of() : configuration.getWebhooks();
        boolean differs = webhooks.stream().anyMatch(w -> w.getClientConfig() == null
                || !bundle.equals(w.getClientConfig().getCaBundle()));
        Map<String, String> annotations = configuration.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(configuration.getMetadata().getAnnotations());
        String mark = held.uid + "/" + held.generation;
        boolean write = CertificateRotation.writeBundle(differs, held.uid, held.generation,
                Optional.ofNullable(annotations.get(BUNDLE_FROM)));
        if (!differs) {
            markReady(webhooks);
            return true;
        }
        if (!write) {
            return false;
        }
        annotations.put(BUNDLE_FROM, mark);
        List<Map<String, Object>> patch = new ArrayList<>();
        // Only if nobody changed the configuration since it was read (a re-apply, or another replica's write).
        patch.add(Map.of("op", "test", "path", "/metadata/resourceVersion",
                "value", configuration.getMetadata().getResourceVersion()));
        patch.add(Map.of("op", "add", "path", "/metadata/annotations", "value", annotations));
        for (int i = 0; i < webhooks.size(); i++) {
            patch.add(Map.of("op", "add", "path", "/webhooks/" + i + "/clientConfig/caBundle", "value", bundle));
        }
        try {
            client.admissionRegistration().v1().validatingWebhookConfigurations().withName(webhookConfiguration)
                    .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(patch));
        } catch (KubernetesClientException e) {
            LOG.info("Certificates: the caBundle of {} was not written ({} {}); trying again in {}",
                    webhookConfiguration, e.getCode(), e.getMessage(), refresh);
            return false;
        }
        LOG.info("Certificates: the caBundle of {} ({} webhooks) now trusts {}", webhookConfiguration,
                webhooks.size(), summary(held));
        markReady(webhooks);
        return true;
    }

    private void markReady(List<ValidatingWebhook> webhooks) {
        if (!webhooks.isEmpty() && keyManager.servedPem() != null && ready.compareAndSet(false, true)) {
            LOG.info("Certificates: ready: serving the Secret's certificate, and {} trusts its CA",
                    webhookConfiguration);
        }
    }

    private Map<String, String> change(Step step, Held held, Instant now) {
        Map<String, String> data = new LinkedHashMap<>(held.data);
        switch (step) {
            case CREATE -> {
                data.clear();
                Issued ca = newCa(now);
                put(data, CA_CRT, CA_KEY, ca);
                put(data, TLS_CRT, TLS_KEY, serving(ca, now));
            }
            case REISSUE_SERVING -> put(data, TLS_CRT, TLS_KEY, serving(held.ca(), now));
            case STAGE_NEW_CA -> put(data, NEXT_CA_CRT, NEXT_CA_KEY, newCa(now));
            case SWITCH_TO_NEW_CA -> {
                Issued next = new Issued(held.require(NEXT_CA_CRT), held.require(NEXT_CA_KEY));
                data.put(PREVIOUS_CA_CRT, held.require(CA_CRT));
                put(data, CA_CRT, CA_KEY, next);
                put(data, TLS_CRT, TLS_KEY, serving(next, now));
                data.remove(NEXT_CA_CRT);
                data.remove(NEXT_CA_KEY);
            }
            case DROP_OLD_CA -> data.remove(PREVIOUS_CA_CRT);
            default -> throw new IllegalArgumentException(step.name());
        }
        return data;
    }

    private Secret write(Secret read, Held held, Map<String, String> data, Step step, Instant now) {
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
        Map<String, String> annotations = read.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(read.getMetadata().getAnnotations());
        annotations.put(GENERATION, Long.toString(held.generation + 1));
        if (step != Step.REISSUE_SERVING) {
            annotations.put(PHASE_SINCE, now.toString());
        }
        if (step == Step.CREATE || step == Step.STAGE_NEW_CA) {
            annotations.put(RENEWED_FOR, held.annotation(RENEW_ANNOTATION));
        }
        Secret next = new SecretBuilder(read).editMetadata().withAnnotations(annotations).endMetadata()
                .withData(encoded).withStringData(null).build();
        // The resourceVersion read: a replica that wrote in between makes this a 409.
        return client.secrets().inNamespace(namespace).resource(next).update();
    }

    private Issued newCa(Instant now) {
        return issuer.certificateAuthority("kube-exec-controller CA " + now, now, CertificateRotation.CA_VALIDITY);
    }

    private Issued serving(Issued ca, Instant now) {
        return issuer.serving(ca, dnsNames, now, CertificateRotation.SERVING_VALIDITY);
    }

    private static void put(Map<String, String> data, String certKey, String keyKey, Issued issued) {
        data.put(certKey, issued.certificatePem());
        data.put(keyKey, issued.keyPem());
    }

    private static String describe(Step step) {
        return switch (step) {
            case CREATE -> "created a new CA and serving certificate";
            case REISSUE_SERVING -> "issued a new serving certificate from the current CA";
            case STAGE_NEW_CA -> "rotation 1/3: staged a new CA beside the current one";
            case SWITCH_TO_NEW_CA -> "rotation 2/3: switched the serving certificate to the new CA";
            case DROP_OLD_CA -> "rotation 3/3: dropped the previous CA";
            case NONE -> "nothing";
        };
    }

    private static String summary(Held held) {
        try {
            X509Certificate serving = CertificateIssuer.certificate(held.require(TLS_CRT));
            return "serving certificate valid until " + serving.getNotAfter().toInstant() + ", issued by "
                    + serving.getIssuerX500Principal().getName() + "; generation " + held.generation;
        } catch (RuntimeException e) {
            return "generation " + held.generation;
        }
    }

    /** The Secret as read: decoded data and the controller's annotations. */
    record Held(String uid, long generation, Map<String, String> data, Map<String, String> annotations) {

        static Held of(Secret secret) {
            Map<String, String> data = new LinkedHashMap<>();
            if (secret.getData() != null) {
                secret.getData().forEach((k, v) -> data.put(k,
                        new String(Base64.getDecoder().decode(v == null ? "" : v), StandardCharsets.US_ASCII)));
            }
            Map<String, String> annotations = secret.getMetadata().getAnnotations() == null ? Map.of()
                    : secret.getMetadata().getAnnotations();
            long generation;
            try {
                generation = Long.parseLong(annotations.getOrDefault(GENERATION, "0"));
            } catch (NumberFormatException e) {
                generation = 0;
            }
            return new Held(secret.getMetadata().getUid(), generation, data, annotations);
        }

        boolean has(String key) {
            return !data.getOrDefault(key, "").isBlank();
        }

        String require(String key) {
            if (!has(key)) {
                throw new IllegalArgumentException("no " + key);
            }
            return data.get(key);
        }

        String annotation(String key) {
            return annotations.getOrDefault(key, "");
        }

        Issued ca() {
            return new Issued(require(CA_CRT), require(CA_KEY));
        }

        Instant phaseSince() {
            try {
                return Instant.parse(annotation(PHASE_SINCE));
            } catch (DateTimeParseException e) {
                return Instant.EPOCH;
            }
        }
    }
}
