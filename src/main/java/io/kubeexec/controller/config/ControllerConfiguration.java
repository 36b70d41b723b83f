package io.kubeexec.controller.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.admission.AdmissionWebhook;
import io.kubeexec.controller.admission.InteractionClassifier;
import io.kubeexec.controller.decision.HarmlessCommand;
import io.kubeexec.controller.decision.InteractionDenial;
import io.kubeexec.controller.decision.NamespaceExemption;
import io.kubeexec.controller.admission.PodUpdatePolicy;
import io.kubeexec.controller.handover.DrainWatch;
import io.kubeexec.controller.handover.PeerHandover;
import io.kubeexec.controller.handover.PeerTrust;
import io.kubeexec.controller.health.Health;
import io.kubeexec.controller.http.WebhookUndertowComponent;
import io.kubeexec.controller.decision.EvictionSchedule;
import io.kubeexec.controller.kube.KubernetesClients;
import io.kubeexec.controller.kube.EventBacklog;
import io.kubeexec.controller.kube.EvictionScan;
import io.kubeexec.controller.kube.Evictor;
import io.kubeexec.controller.kube.ExtensionRecorder;
import io.kubeexec.controller.kube.InteractionRecorder;
import io.kubeexec.controller.kube.LeaderElection;
import io.kubeexec.controller.kube.PodEvents;
import io.kubeexec.controller.kube.PolicyLabels;
import io.kubeexec.controller.decision.TrackingOptOut;
import io.kubeexec.controller.decision.TtlPolicy;
import io.kubeexec.controller.decision.UnrecordableRule;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.observe.Observations;
import io.kubeexec.controller.tls.ServerTls;
import io.kubeexec.controller.pending.LedgerPolicy;
import io.kubeexec.controller.pending.PendingWork;
import io.kubeexec.controller.pending.UnrecordableGate;
import io.kubeexec.controller.kube.ScanScheduler;
import io.kubeexec.controller.kube.SelfManagedCertificates;
import io.kubeexec.controller.tls.ReloadingKeyManager;
import io.kubeexec.controller.tls.SecretKeyManager;
import io.kubeexec.controller.tls.ServingKeyManager;
import io.kubeexec.controller.work.WorkQueue;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The composition root: builds the beans the YAML routes call from parsed settings (the main method's, or Camel's
 * properties for the route tests) and binds them. The production main and the route tests both go through here, so
 * they wire the same application.
 */
public class ControllerConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerConfiguration.class);

    private final Settings parsedSettings;
    private final KubernetesClient startedClient;

    /** Reads the settings from Camel's properties and builds the client (the route tests configure it this way). */
    public ControllerConfiguration() {
        this(null, null);
    }

    /**
     * The settings the main method parsed and a client from {@link KubernetesClients#start}, which it started before
     * Camel's set-up: readiness waits for the client's first answer, and Camel's set-up before this configuration
     * runs takes about 0.4 s, which the client's build need not wait for.
     */
    public ControllerConfiguration(Settings settings, KubernetesClient startedClient) {
        this.parsedSettings = settings;
        this.startedClient = startedClient;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = parsedSettings != null ? parsedSettings
                : Settings.from(flagValues(context.getPropertiesComponent()), System.getenv());
        settings.derivedRouteProperties().forEach(context.getPropertiesComponent()::addOverrideProperty);
        Clock clock = Clock.systemUTC();
        KubernetesClient client = startedClient != null ? startedClient : KubernetesClients.start(settings.apiServer());
        String instance = instanceName();

        NamespaceExemption exemption = new NamespaceExemption(settings.controllerNamespace(), settings.namespaceAllowlist());
        Metrics metrics = new Metrics();
        PendingWork pending = new PendingWork(clock, settings.maxPending());
        pending.whenRepeated(() -> metrics.repeatedReviews("ledger", 1));
        LedgerPolicy ledgerPolicy = new LedgerPolicy(pending);
        context.addRoutePolicyFactory(ledgerPolicy);
        for (WorkQueue queue : WorkQueue.values()) {
            metrics.queueDepth(queue.name(), () -> ledgerPolicy.queueDepth(queue));
            metrics.pending(queue.name(), () -> pending.size(queue));
        }
        PodEvents events = new PodEvents(clock, instance, settings.dryRun());
        Health health = new Health(client::getKubernetesVersion);
        // Readiness waits for the API server's first answer: ask now, while the routes start.
        health.checkApiNow();
        // The deny labels, watched: readiness waits for their first list too.
        PolicyLabels policyLabels = PolicyLabels.start(client, settings.keys());
        health.require(policyLabels::synced, () -> "the pods and namespaces labelled "
                + settings.keys().interactionPolicy() + "=deny are not listed yet");
        LeaderElection leadership = settings.leaderElect()
                ? LeaderElection.start(client, settings.leaseNamespace(), instance)
                : LeaderElection.always();
        metrics.queueCapacity(WorkQueue.interact.name(), settings.interactQueueSize());
        metrics.queueCapacity(WorkQueue.extend.name(), settings.extendQueueSize());
        metrics.gauge("ready", () -> health.ready() ? 1 : 0);
        metrics.gauge("leader", () -> leadership.getAsBoolean() ? 1 : 0);

        bind(context, "clock", clock);
        bind(context, "kubernetesClient", client);
        ServingKeyManager keyPair;
        PeerTrust peerTrust;
        if (settings.selfManagedCertificates()) {
            SecretKeyManager fromSecret = new SecretKeyManager();
            SelfManagedCertificates certificates = selfManagedCertificates(client, settings, clock, fromSecret);
            health.requireCertificate(certificates::ready, certificates::notReadyReason);
            keyPair = fromSecret;
            peerTrust = new PeerTrust(() -> {
                List<X509Certificate> anchors = new ArrayList<>(certificates.trustedCas());
                fromSecret.served().ifPresent(anchors::add);
                return anchors;
            }, "the Secret " + settings.certificateSecret());
        } else {
            keyPair = new ReloadingKeyManager(settings.certPath(), settings.keyPath(), clock);
            peerTrust = new PeerTrust(settings.certPath());
        }
        metrics.certificateExpiry(() -> keyPair.served()
                .map(certificate -> certificate.getNotAfter().toInstant().getEpochSecond()).orElse(0L));
        bind(context, "tls", ServerTls.webhook(keyPair, settings.clientCaPath(), clock));
        bind(context, "health", health);
        bind(context, "undertow", new WebhookUndertowComponent(settings.maxBodyBytes(), settings.requestTimeout(),
                settings.admissionFastPath()));
        bind(context, "admissionWebhook", new AdmissionWebhook(
                new InteractionClassifier(settings.detectPortForward()),
                new PodUpdatePolicy(settings.keys(), settings.maxExtension(), settings.detectDebug(),
                        settings.extensionGroups()),
                exemption, settings.exemptInteractors(), new InteractionDenial(settings.keys()), policyLabels,
                settings.maxBodyBytes(), settings.denyWhenQueueFull(), clock, metrics,
                new UnrecordableGate(new UnrecordableRule(settings.denyWhenUnrecordable(),
                        settings.unrecordableAfter()), pending, clock,
                        interaction -> KubernetesClients.probe(client, interaction.namespace(), interaction.pod())),
                health::draining));
        bind(context, "pendingWork", pending);
        bind(context, "eventBacklog", new EventBacklog(metrics, Integer.parseInt(
                context.getPropertiesComponent().resolveProperty("events-queue-size").orElse("2000"))));
        bind(context, "interactionRecorder", new InteractionRecorder(client, settings.keys(),
                new TtlPolicy(settings.keys(), settings.ttl(), settings.maxTtl()), new TrackingOptOut(settings.keys()),
                new HarmlessCommand(settings.harmlessCommands(), settings.keys().harmlessCommands()), events,
                metrics));
        bind(context, "extensionRecorder", new ExtensionRecorder(client, settings.keys(), events, metrics));
        bind(context, "evictionScan", new EvictionScan(client, settings.keys(), exemption,
                new EvictionSchedule(settings.dryRun(), settings.evictBarePods()), new Evictor(client), events,
                settings.scanInterval(), settings.maxExtension(), leadership, clock, metrics));
        bind(context, "metrics", metrics);

        bind(context, "observations", new Observations(clock));
        bind(context, "systemTrust", new SSLContextParameters());
        bind(context, "quartz", ScanScheduler.quartz());
        if (!settings.routesExclude().isEmpty()) {
            RouteExclusions.install(context, settings.routesExclude());
        }

        PeerHandover handover = settings.handoverPeers().isEmpty() ? null : new PeerHandover(settings.handoverPeers(),
                ServerTls.handoverClient(keyPair, peerTrust), instance, clock);
        context.getManagementStrategy().addEventNotifier(new Lifecycle(health, leadership,
                new DrainWatch(context, pending, handover, metrics, clock),
                () -> ledgerPolicy.holdDrainWhileWorkIsPending(context), () -> {
                    pending.close();
                    policyLabels.close();
                }));
        LOG.info("kube-exec-controller on port {}: ttl={}s, scan every {}, queues interact={} extend={}, "
                        + "allowlist={} (never tracked: kube-system, {}), dry-run={}, evict-bare-pods={}, leader-elect={}, "
                        + "on-unrecordable={} after {}, max-pending={}, handover-peers={}, client certificates required: {}, "
                        + "certificate: {}",
                settings.port(), settings.ttl().toSeconds(), settings.raw().get(Flag.SCAN_INTERVAL),
                settings.interactQueueSize(), settings.extendQueueSize(), settings.namespaceAllowlist(),
                settings.controllerNamespace(),
                settings.dryRun(), settings.evictBarePods(), settings.leaderElect(),
                settings.denyWhenUnrecordable() ? "deny" : "allow", settings.raw().get(Flag.UNRECORDABLE_AFTER),
                settings.maxPending(), settings.handoverPeers(),
                settings.clientCaPath().map(p -> "yes, signed by " + p).orElse("no"),
                settings.selfManagedCertificates() ? "self-managed in the Secret " + settings.controllerNamespace()
                        + "/" + settings.certificateSecret() + ", caBundle of " + settings.webhookConfiguration()
                        : settings.certPath());
    }

    static Map<Flag, String> flagValues(PropertiesComponent properties) {
        Map<Flag, String> values = new EnumMap<>(Flag.class);
        for (Flag flag : Flag.values()) {
            properties.resolveProperty(flag.flagName()).ifPresent(v -> values.put(flag, v));
        }
        return values;
    }

    /**
     * Self-managed certificates (-certificate-secret): read from the Secret now and every -certificate-refresh. The
     * certificate issuer is loaded only here, so a start with certificate files does not pay for it.
     */
    private static SelfManagedCertificates selfManagedCertificates(KubernetesClient client, Settings settings,
            Clock clock, SecretKeyManager keyManager) {
        SelfManagedCertificates certificates = new SelfManagedCertificates(client, settings.controllerNamespace(),
                settings.certificateSecret(), settings.webhookConfiguration(),
                SelfManagedCertificates.dnsNames(settings.serviceName(), settings.controllerNamespace()),
                settings.certificateRefresh(), clock, keyManager);
        certificates.start();
        return certificates;
    }

    private static String instanceName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "kube-exec-controller";
        }
    }

    private static void bind(CamelContext context, String name, Object bean) {
        context.getRegistry().bind(name, bean);
    }
}
