package io.kubeexec.controller.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Liveness and readiness. Ready means: the routes have started (so the listener that answers this is up), the
 * process is not shutting down, and the API server has answered once since the start, which proves the
 * configuration (address, credentials, CA) works.
 * <p>
 * After that, the API server's health no longer counts. Every replica sees the same API server, so an API blip would
 * take all of them out of the Service at once, and with {@code failurePolicy: Fail} that denies every
 * {@code kubectl exec} in the cluster. A replica that cannot reach the API server still admits and queues (the queue
 * workers retry until it answers), which is exactly what it should keep doing.
 */
public final class Health {

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);

    /** The HTTP answer of a health endpoint. */
    public record Answer(int status, String body) {
    }

    private final Runnable apiCheck;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean apiAnswered = new AtomicBoolean();
    private final AtomicReference<CompletableFuture<Boolean>> inFlight = new AtomicReference<>();
    private volatile BooleanSupplier certificateReady = () -> true;
    private volatile Supplier<String> certificateReason = () -> "";
    private final List<Requirement> requirements = new CopyOnWriteArrayList<>();

    private record Requirement(BooleanSupplier ready, Supplier<String> reason) {
    }

    /** {@code apiCheck} asks the API server something cheap (its version) and throws when it does not answer. */
    public Health(Runnable apiCheck) {
        this.apiCheck = apiCheck;
    }

    public void markStarted() {
        started.set(true);
        checkApi();
    }

    /** Asks the API server now, before the routes are up, so that its first answer is there when they are. */
    public void checkApiNow() {
        checkApi();
    }

    /**
     * Self-managed certificates: not ready until {@code ready} (the Secret's certificate served, and its CA in the
     * webhook configuration's caBundle), which then stays true.
     */
    public void requireCertificate(BooleanSupplier ready, Supplier<String> reason) {
        this.certificateReady = ready;
        this.certificateReason = reason;
    }

    /** Not ready while {@code ready} is false, for the {@code reason} it gives: a first list still to come, say. */
    public void require(BooleanSupplier ready, Supplier<String> reason) {
        requirements.add(new Requirement(ready, reason));
    }

    public void markDraining() {
        draining.set(true);
    }

    /** True from SIGTERM on. */
    public boolean draining() {
        return draining.get();
    }

    public Answer liveness(String method) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return notAllowed(method);
        }
        return new Answer(200, "{\"status\":\"UP\"}");
    }

    /** Whether the readiness probe answers 200 now, without waiting for a check in flight (the metric's view). */
    public boolean ready() {
        return started.get() && !draining.get() && apiAnswered.get();
    }

    public Answer readiness(String method) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return notAllowed(method);
        }
        if (draining.get()) {
            return new Answer(503, "{\"status\":\"DOWN\",\"reason\":\"shutting down\"}");
        }
        if (!started.get()) {
            return new Answer(503, "{\"status\":\"DOWN\",\"reason\":\"starting\"}");
        }
        if (!apiAnswered.get() && !awaitApi()) {
            return new Answer(503, "{\"status\":\"DOWN\",\"reason\":\"the Kubernetes API server has not answered yet\"}");
        }
        if (!certificateReady.getAsBoolean()) {
            return down(certificateReason.get());
        }
        for (Requirement requirement : requirements) {
            if (!requirement.ready().getAsBoolean()) {
                return down(requirement.reason().get());
            }
        }
        return new Answer(200, "{\"status\":\"UP\"}");
    }

    private static Answer down(String reason) {
        return new Answer(503, "{\"status\":\"DOWN\",\"reason\":\""
                + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }

    /** A probe waits at most 2 s for a check in flight; the first answer usually comes well before. */
    private boolean awaitApi() {
        try {
            return checkApi().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return apiAnswered.get();
        }
    }

    /** At most one check at a time, and none once the API server has answered. */
    private CompletableFuture<Boolean> checkApi() {
        CompletableFuture<Boolean> current = inFlight.get();
        if (apiAnswered.get()) {
            return CompletableFuture.completedFuture(true);
        }
        if (current != null && !current.isDone()) {
            return current;
        }
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        if (!inFlight.compareAndSet(current, next)) {
            return inFlight.get();
        }
        CompletableFuture.runAsync(() -> {
            try {
                apiCheck.run();
                apiAnswered.set(true);
                next.complete(true);
            } catch (RuntimeException e) {
                LOG.warn("Readiness: the Kubernetes API server does not answer yet: {}", e.getMessage());
                next.complete(false);
            }
        });
        return next;
    }

    private static Answer notAllowed(String method) {
        return new Answer(405, "{\"code\":405,\"error\":\"method " + method + " not allowed\"}");
    }
}
