package io.kubeexec.controller.health;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Liveness and readiness. Ready means: the routes have started (so the listener that answers this is up), the
 * process is not shutting down, and the API server answered {@code /version} recently. The API check runs in the
 * background at most every few seconds, so a probe never waits on the API server.
 */
public final class Health {

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);
    private static final Duration API_CHECK_EVERY = Duration.ofSeconds(5);

    /** The HTTP answer of a health endpoint. */
    public record Answer(int status, String body) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicReference<Instant> lastApiCheck = new AtomicReference<>(Instant.EPOCH);
    private final AtomicReference<CompletableFuture<Boolean>> apiCheck =
            new AtomicReference<>(CompletableFuture.completedFuture(false));

    public Health(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void markStarted() {
        started.set(true);
        refreshApiCheck();
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
            return new Answer(405, "{\"code\":405,\"error\":\"method " + method + " not allowed\"}");
        }
        return new Answer(200, "{\"status\":\"UP\"}");
    }

    public Answer readiness(String method) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return new Answer(405, "{\"code\":405,\"error\":\"method " + method + " not allowed\"}");
        }
        if (draining.get()) {
            return new Answer(503, "{\"status\":\"DOWN\",\"reason\":\"shutting down\"}");
        }
        if (!started.get()) {
            return new Answer(503, "{\"status\":\"DOWN\",\"reason\":\"starting\"}");
        }
        if (!apiServerReachable()) {
            return new Answer(503, "{\"status\":\"DOWN\",\"reason\":\"the Kubernetes API server does not answer\"}");
        }
        return new Answer(200, "{\"status\":\"UP\"}");
    }

    private boolean apiServerReachable() {
        CompletableFuture<Boolean> check = refreshApiCheck();
        try {
            // The first answer may take a moment; after that the last known result is used.
            return check.isDone() ? check.getNow(false) : check.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return previousResult();
        }
    }

    private boolean previousResult() {
        CompletableFuture<Boolean> check = apiCheck.get();
        return check.isDone() && !check.isCompletedExceptionally() && check.getNow(false);
    }

    private CompletableFuture<Boolean> refreshApiCheck() {
        Instant now = clock.instant();
        Instant last = lastApiCheck.get();
        CompletableFuture<Boolean> current = apiCheck.get();
        if (Duration.between(last, now).compareTo(API_CHECK_EVERY) < 0 || !current.isDone()
                || !lastApiCheck.compareAndSet(last, now)) {
            return current;
        }
        CompletableFuture<Boolean> next = CompletableFuture.supplyAsync(() -> {
            try {
                client.getKubernetesVersion();
                return true;
            } catch (RuntimeException e) {
                LOG.warn("Readiness: the Kubernetes API server does not answer: {}", e.getMessage());
                return false;
            }
        });
        // Until the new check answers, report the previous result.
        boolean previous = current.isDone() && !current.isCompletedExceptionally() && current.getNow(false);
        CompletableFuture<Boolean> combined = next.completeOnTimeout(previous, 5, TimeUnit.SECONDS);
        apiCheck.set(combined);
        return combined;
    }
}
