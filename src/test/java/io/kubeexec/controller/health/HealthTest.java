package io.kubeexec.controller.health;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest {

    private final AtomicBoolean apiUp = new AtomicBoolean();
    private final AtomicInteger checks = new AtomicInteger();
    private final Health health = new Health(() -> {
        checks.incrementAndGet();
        if (!apiUp.get()) {
            throw new IllegalStateException("connection refused");
        }
    });

    @Test
    void notReadyBeforeTheRoutesHaveStarted() {
        apiUp.set(true);

        assertThat(health.readiness("GET")).isEqualTo(new Health.Answer(503,
                "{\"status\":\"DOWN\",\"reason\":\"starting\"}"));
    }

    @Test
    void notReadyUntilTheApiServerHasAnsweredOnce() {
        health.markStarted();

        assertThat(health.readiness("GET").status()).isEqualTo(503);
        assertThat(health.readiness("GET").body()).contains("has not answered yet");

        apiUp.set(true);
        assertThat(health.readiness("GET")).isEqualTo(new Health.Answer(200, "{\"status\":\"UP\"}"));
    }

    @Test
    void anApiOutageAfterThatDoesNotTakeTheReplicaOutOfTheService() {
        apiUp.set(true);
        health.markStarted();
        assertThat(health.readiness("GET").status()).isEqualTo(200);
        int checksSoFar = checks.get();

        apiUp.set(false);

        assertThat(health.readiness("GET").status()).isEqualTo(200);
        assertThat(health.readiness("HEAD").status()).isEqualTo(200);
        assertThat(checks.get()).as("no more API calls from the probe").isEqualTo(checksSoFar);
    }

    @Test
    void withSelfManagedCertificatesNotReadyUntilTheCertificateIsServedAndTrustedAndTheReasonSaysWhy() {
        AtomicBoolean certificate = new AtomicBoolean();
        health.requireCertificate(certificate::get, () -> "the caBundle of \"kube-exec-controller\" does not trust it");
        apiUp.set(true);
        health.markStarted();

        assertThat(health.readiness("GET")).isEqualTo(new Health.Answer(503,
                "{\"status\":\"DOWN\",\"reason\":\"the caBundle of \\\"kube-exec-controller\\\" does not trust it\"}"));

        certificate.set(true);
        assertThat(health.readiness("GET")).isEqualTo(new Health.Answer(200, "{\"status\":\"UP\"}"));
    }

    @Test
    void notReadyUntilTheDenyLabelsAreListedAndTheReasonSaysSo() {
        AtomicBoolean listed = new AtomicBoolean();
        health.require(listed::get, () -> "the pods and namespaces labelled box.com/podInteractionPolicy=deny are "
                + "not listed yet");
        apiUp.set(true);
        health.markStarted();

        assertThat(health.readiness("GET")).isEqualTo(new Health.Answer(503, "{\"status\":\"DOWN\",\"reason\":"
                + "\"the pods and namespaces labelled box.com/podInteractionPolicy=deny are not listed yet\"}"));

        listed.set(true);
        assertThat(health.readiness("GET")).isEqualTo(new Health.Answer(200, "{\"status\":\"UP\"}"));
    }

    @Test
    void notReadyFromSigtermOnWhileStillLive() {
        apiUp.set(true);
        health.markStarted();
        health.markDraining();

        assertThat(health.readiness("GET")).isEqualTo(new Health.Answer(503,
                "{\"status\":\"DOWN\",\"reason\":\"shutting down\"}"));
        assertThat(health.liveness("GET").status()).isEqualTo(200);
        assertThat(health.draining()).isTrue();
    }

    @Test
    void onlyGetAndHeadAreAllowed() {
        assertThat(health.liveness("POST").status()).isEqualTo(405);
        assertThat(health.readiness("DELETE").status()).isEqualTo(405);
    }
}
