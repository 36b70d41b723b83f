package io.kubeexec.controller.admission;

import io.kubeexec.controller.decision.ExemptInteractors;
import io.kubeexec.controller.decision.InteractionDenial;
import io.kubeexec.controller.decision.NamespaceExemption;
import io.kubeexec.controller.kube.PolicyLabelSource;
import io.kubeexec.controller.logging.RateLimit;
import io.kubeexec.controller.metrics.Metrics;
import io.kubeexec.controller.pending.UnrecordableGate;
import io.kubeexec.controller.work.ExtensionRequest;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.QueuedWork;
import io.kubeexec.controller.work.Replay;
import io.kubeexec.controller.work.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The HTTP side of the two webhooks: checks the method, parses the review, asks the decisions, and says what
 * to queue and what to answer. It never calls the Kubernetes API, so it answers at once.
 */
public final class AdmissionWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionWebhook.class);
    static final String OVERLOADED = "kube-exec-controller is overloaded, retry shortly";
    private static final long EXEMPT_WARNING_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final String NO_HANDOVER_WHILE_STOPPING =
            "this kube-exec-controller replica is shutting down and takes no handed-over work";

    /** The answer, and the work for a queue or none; with work, what a peer would need to take it over. */
    public record Reply(int status, String body, QueuedWork work, String apiVersion, String uid, Replay replay) {

        Reply(int status, String body, QueuedWork work, String apiVersion, String uid) {
            this(status, body, work, apiVersion, uid, null);
        }

        /** The queue the work goes to, or null when there is none. */
        public WorkQueue queue() {
            return work == null ? null : work.queue();
        }

        static Reply http(int status, String message) {
            return new Reply(status, AdmissionResponse.error(status, message), null, null, null);
        }
    }

    private final InteractionClassifier classifier;
    private final PodUpdatePolicy podUpdatePolicy;
    private final NamespaceExemption exemption;
    private final ExemptInteractors exemptInteractors;
    private final InteractionDenial denial;
    private final PolicyLabelSource policyLabels;
    private final long maxBodyBytes;
    private final boolean denyWhenQueueFull;
    private final Clock clock;
    private final Metrics metrics;
    private final AtomicLong nextExemptWarning = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressedExemptWarnings = new AtomicLong();
    private final RateLimit refusalLines = new RateLimit(Duration.ofMinutes(1));
    private final UnrecordableGate unrecordable;
    private final BooleanSupplier stopping;

    /**
     * {@code exemptInteractors}: -exempt-users and -exempt-groups, whose interactions are not tracked; {@code denial}
     * reads the deny labels {@code policyLabels} holds; {@code unrecordable} may deny an interaction the controller
     * cannot record now (-on-unrecordable); {@code stopping} is true from SIGTERM on, when work handed over by another
     * replica is refused.
     */
    public AdmissionWebhook(InteractionClassifier classifier, PodUpdatePolicy podUpdatePolicy,
            NamespaceExemption exemption, ExemptInteractors exemptInteractors, InteractionDenial denial,
            PolicyLabelSource policyLabels, long maxBodyBytes, boolean denyWhenQueueFull, Clock clock,
            Metrics metrics, UnrecordableGate unrecordable, BooleanSupplier stopping) {
        this.classifier = classifier;
        this.exemptInteractors = exemptInteractors;
        this.denial = denial;
        this.policyLabels = policyLabels;
        this.podUpdatePolicy = podUpdatePolicy;
        this.exemption = exemption;
        this.maxBodyBytes = maxBodyBytes;
        this.denyWhenQueueFull = denyWhenQueueFull;
        this.clock = clock;
        this.metrics = metrics;
        this.unrecordable = unrecordable;
        this.stopping = stopping;
    }

    /**
     * {@code /admit-pod-interaction}: CONNECT on pods/exec, pods/attach and pods/portforward. Allowed, unless the
     * queue stays full or the controller cannot record interactions (with the -on-queue-full and -on-unrecordable
     * that say so).
     */
    public Reply interaction(String method, byte[] body) {
        return interaction(method, body, null);
    }

    /** As {@link #interaction(String, byte[])}; {@code handoverFrom}: the handing-over replica, or null. */
    public Reply interaction(String method, byte[] body, String handoverFrom) {
        return handle("/admit-pod-interaction", method, body, handoverFrom, this::decideInteraction);
    }

    /** {@code /admit-pod-update}: UPDATE on pods and pods/ephemeralcontainers. */
    public Reply podUpdate(String method, byte[] body) {
        return podUpdate(method, body, null);
    }

    /** As {@link #podUpdate(String, byte[])}; {@code handoverFrom}: the handing-over replica, or null. */
    public Reply podUpdate(String method, byte[] body, String handoverFrom) {
        return handle("/admit-pod-update", method, body, handoverFrom, this::decidePodUpdate);
    }

    /** The HTTP checks and parsing both webhooks share, timed for the latency histogram. */
    private Reply handle(String path, String method, byte[] body, String handoverFrom,
            Function<AdmissionRequest, Reply> decide) {
        long started = System.nanoTime();
        Reply reply;
        Optional<Reply> rejected = checkHttp(method);
        if (rejected.isPresent()) {
            reply = rejected.get();
        } else {
            try {
                AdmissionRequest request = AdmissionRequest.parse(body);
                if (handoverFrom != null && stopping.getAsBoolean()) {
                    // Work handed over by a replica that is stopping must not land on one that is stopping too.
                    LOG.info("pod={}/{} decision=denied: handed over by {} while this replica is stopping",
                            request.namespace(), request.name(), handoverFrom);
                    reply = new Reply(200, AdmissionResponse.denied(request.apiVersion(), request.uid(),
                            NO_HANDOVER_WHILE_STOPPING), null, request.apiVersion(), request.uid());
                } else {
                    reply = decide.apply(request);
                    if (reply.work() != null) {
                        reply = new Reply(reply.status(), reply.body(), reply.work(), reply.apiVersion(),
                                reply.uid(), new Replay(path, request.uid(), request.replayable()));
                    }
                }
            } catch (AdmissionRequest.MalformedReviewException e) {
                LOG.warn("Rejected a malformed review on {}: {}", path, e.getMessage());
                reply = Reply.http(400, e.getMessage());
            }
        }
        metrics.admissionLatency(System.nanoTime() - started);
        if (reply.work() instanceof Interaction i) {
            metrics.interaction(i.kind().label());
        }
        return reply;
    }

    private Reply decideInteraction(AdmissionRequest request) {
        String allowed = AdmissionResponse.allowed(request.apiVersion(), request.uid());
        Optional<Interaction> interaction = classifier.classify(request, clock.instant());
        if (interaction.isEmpty()) {
            LOG.debug("Allowed {} {}/{} on {}/{}: not an interaction", request.operation(), request.resource(),
                    request.subResource(), request.namespace(), request.name());
            return new Reply(200, allowed, null, request.apiVersion(), request.uid());
        }
        Interaction i = interaction.get();
        if (exemption.isExempt(i.namespace())) {
            logExempt("pod=" + i.namespace() + "/" + i.pod() + " user=" + i.username() + " kind=" + i.kind().label(),
                    i.namespace());
            return new Reply(200, allowed, null, request.apiVersion(), request.uid());
        }
        Optional<Reply> denied = deniedByPolicy(request, i);
        if (denied.isPresent()) {
            return denied.get();
        }
        if (request.dryRun()) {
            LOG.info("pod={}/{} user={} kind={} decision=allowed, dry-run: no side effect",
                    i.namespace(), i.pod(), i.username(), i.kind().label());
            return new Reply(200, allowed, null, request.apiVersion(), request.uid());
        }
        if (exemptInteractor(i)) {
            return new Reply(200, allowed, null, request.apiVersion(), request.uid());
        }
        Optional<Reply> unrecordable = unrecordable(request, i);
        if (unrecordable.isPresent()) {
            return unrecordable.get();
        }
        LOG.info("pod={}/{} user={} kind={} container={} decision=allowed, queued to record the interaction",
                i.namespace(), i.pod(), i.username(), i.kind().label(), i.container());
        return new Reply(200, allowed, i, request.apiVersion(), request.uid());
    }

    /** The podInteractionPolicy=deny label on the pod or its namespace: denied, whoever asks. */
    private Optional<Reply> deniedByPolicy(AdmissionRequest request, Interaction i) {
        return denial.message(i.kind(), policyLabels.podLabels(i.namespace(), i.pod()),
                policyLabels.namespaceLabels(i.namespace())).map(message -> {
                    metrics.deniedByPolicy(i.kind().label());
                    LOG.info("pod={}/{} user={} kind={} container={} decision=denied: {}", i.namespace(), i.pod(),
                            i.username(), i.kind().label(), i.container(), message);
                    return new Reply(200, AdmissionResponse.denied(request.apiVersion(), request.uid(), message),
                            null, request.apiVersion(), request.uid());
                });
    }

    /** -exempt-users, -exempt-groups: logged and counted, not tracked. */
    private boolean exemptInteractor(Interaction i) {
        Optional<ExemptInteractors.Exemption> exempt = exemptInteractors.exemption(i.username(), i.groups());
        exempt.ifPresent(e -> {
            metrics.exemptInteraction(e.by().label());
            LOG.info("pod={}/{} user={} kind={} container={} decision=allowed, not tracked: {}", i.namespace(),
                    i.pod(), i.username(), i.kind().label(), i.container(), e);
        });
        return exempt.isPresent();
    }

    /** -on-unrecordable=deny: the interaction is denied while the controller cannot record interactions. */
    private Optional<Reply> unrecordable(AdmissionRequest request, Interaction i) {
        return unrecordable.refusal().map(message -> {
            LOG.warn("pod={}/{} user={} kind={} container={} decision=denied: {}", i.namespace(), i.pod(),
                    i.username(), i.kind().label(), i.container(), message);
            return new Reply(200, AdmissionResponse.denied(request.apiVersion(), request.uid(), message), null,
                    request.apiVersion(), request.uid());
        });
    }

    private Reply decidePodUpdate(AdmissionRequest request) {
        PodUpdatePolicy.Verdict verdict = podUpdatePolicy.evaluate(request, clock.instant());
        String pod = request.namespace() + "/" + request.name();
        if (!verdict.allowed()) {
            if (verdict.extensionDenied()) {
                metrics.extensionDenied();
            }
            LOG.info("pod={} user={} decision=denied: {}", pod, request.username(), verdict.message());
            return new Reply(200, AdmissionResponse.denied(request.apiVersion(), request.uid(), verdict.message()),
                    null, request.apiVersion(), request.uid());
        }
        String allowed = AdmissionResponse.allowed(request.apiVersion(), request.uid());
        boolean exempt = exemption.isExempt(request.namespace());
        if (!exempt && verdict.interaction().isPresent()) {
            Optional<Reply> denied = deniedByPolicy(request, verdict.interaction().get());
            if (denied.isPresent()) {
                return denied.get();
            }
        }
        if (request.dryRun() || exempt) {
            if (verdict.extension().isPresent() || verdict.interaction().isPresent()) {
                if (exempt) {
                    logExempt("pod=" + pod + " user=" + request.username(), request.namespace());
                } else {
                    LOG.info("pod={} user={} decision=allowed, dry-run: no side effect", pod, request.username());
                }
            }
            return new Reply(200, allowed, null, request.apiVersion(), request.uid());
        }
        if (verdict.extension().isPresent()) {
            ExtensionRequest e = verdict.extension().get();
            LOG.info("pod={} user={} extension={} decision=allowed, queued to record the extension",
                    pod, e.username(), e.extensionText());
            return new Reply(200, allowed, e, request.apiVersion(), request.uid());
        }
        if (verdict.interaction().isPresent()) {
            Interaction i = verdict.interaction().get();
            if (exemptInteractor(i)) {
                return new Reply(200, allowed, null, request.apiVersion(), request.uid());
            }
            Optional<Reply> unrecordable = unrecordable(request, i);
            if (unrecordable.isPresent()) {
                return unrecordable.get();
            }
            LOG.info("pod={} user={} kind={} container={} decision=allowed, queued to record the interaction",
                    pod, i.username(), i.kind().label(), i.container());
            return new Reply(200, allowed, i, request.apiVersion(), request.uid());
        }
        return new Reply(200, allowed, null, request.apiVersion(), request.uid());
    }

    /**
     * An allowlisted namespace is the operator's choice and its webhook may well send reviews for it. A namespace
     * the controller always exempts is never sent by the shipped webhook configurations: a review for one is worth
     * a warning, since it was forged or comes from a configuration without their namespaceSelector.
     */
    private void logExempt(String what, String namespace) {
        Optional<String> builtIn = exemption.builtInReason(namespace);
        if (builtIn.isEmpty()) {
            LOG.debug("{} decision=allowed, namespace allowlisted: not tracked", what);
            return;
        }
        // At most one warning a minute: a flood of forged reviews must not become a flood of log lines.
        long now = System.nanoTime();
        long next = nextExemptWarning.get();
        if (now - next >= 0 && nextExemptWarning.compareAndSet(next, now + EXEMPT_WARNING_EVERY_NANOS)) {
            long more = suppressedExemptWarnings.getAndSet(0);
            LOG.warn("{} decision=allowed, not tracked: {} is {}, for which the shipped webhooks send no review "
                    + "(this one was forged, or a webhook configuration lacks their namespaceSelector){}", what,
                    namespace, builtIn.get(), more == 0 ? "" : "; " + more + " more such reviews since the last warning");
        } else {
            suppressedExemptWarnings.incrementAndGet();
            LOG.debug("{} decision=allowed, not tracked: {} is {}", what, namespace, builtIn.get());
        }
    }

    /** The queue stayed full for the whole enqueue timeout. */
    public Reply queueFull(Reply reply) {
        metrics.queueRejected(reply.queue().name());
        return refused(reply, "The " + reply.queue() + " queue is full");
    }

    /** The ledger of unrecorded work already holds -max-pending interactions and extensions. */
    public Reply pendingFull(Reply reply) {
        metrics.pendingRejected(reply.queue().name());
        return refused(reply, "The ledger of unrecorded work is full (-max-pending)");
    }

    /** -on-queue-full decides; at most one line a minute says so, with the count: a flood is no log flood. */
    private Reply refused(Reply reply, String why) {
        OptionalLong line = refusalLines.pass();
        if (denyWhenQueueFull) {
            line.ifPresent(more -> LOG.error("{}: denied the request {} so that nothing goes untracked{}", why,
                    reply.uid(), RateLimit.more(more)));
            return new Reply(200, AdmissionResponse.denied(reply.apiVersion(), reply.uid(), OVERLOADED),
                    null, reply.apiVersion(), reply.uid());
        }
        line.ifPresent(more -> LOG.error("{}: allowed the request {} UNTRACKED (-on-queue-full=allow): {}{}", why,
                reply.uid(), reply.work(), RateLimit.more(more)));
        return new Reply(200, reply.body(), null, reply.apiVersion(), reply.uid());
    }

    /** Any other path on the HTTPS port. */
    public Reply notFound(String method, String path) {
        return Reply.http(404, "no such path: " + method + " " + path);
    }

    /** Anything unexpected still gets a JSON answer, never a 500 with a stack trace. */
    public Reply internalError(Throwable error) {
        LOG.error("Could not handle a webhook request: {}", String.valueOf(error));
        return Reply.http(400, "request could not be processed: " + (error == null ? "unknown error"
                : error.getClass().getSimpleName() + ": " + error.getMessage()));
    }

    /** A body above -max-body-bytes, as the fast path answers when Undertow's own limit stops the read. */
    public Reply tooLarge(long length) {
        return new Reply(413, AdmissionResponse.tooLarge(length, maxBodyBytes), null, null, null);
    }

    /** The body's size is the listener's check (http/RawBodyGuard): no body above -max-body-bytes gets here. */
    private Optional<Reply> checkHttp(String method) {
        if (!"POST".equals(method)) {
            return Optional.of(Reply.http(405, "method " + method + " not allowed: AdmissionReviews are POSTed"));
        }
        return Optional.empty();
    }
}
