package io.kubeexec.controller;

import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.health.ShutdownDelay;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * -shutdown-delay as Camel Main runs it, as on SIGTERM (whose hook calls {@code completed()}): readiness goes to 503
 * at once, the webhook still answers through the delay, and only then does its listener stop.
 */
class ShutdownDelayTest {

    private static final Duration DELAY = Duration.ofSeconds(2);

    private final TestController controller = new TestController(Map.of("shutdown-delay", "2s"));
    private final Main main = new Main();

    private Thread running;

    /** Waits for the whole stop: a context still stopping would shut down the next test's Quartz scheduler. */
    @AfterEach
    void stop() throws InterruptedException {
        main.completed();
        if (running != null) {
            running.join(Duration.ofSeconds(60).toMillis());
        }
        controller.close();
    }

    @Test
    void readinessIsDownThroughTheDelayWhileTheWebhookStillAnswersThenTheListenerStops() {
        main.configure().addConfiguration(new ControllerConfiguration());
        main.addMainListener(new ShutdownDelay(DELAY));
        running = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "camel-main");
        running.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> readiness() == 200);

        long sigterm = System.nanoTime();
        main.completed();

        await().atMost(Duration.ofSeconds(1)).until(() -> readiness() == 503);
        String review = TestController.fixture("exec.json");
        assertThat(controller.post("/admit-pod-interaction", review).body())
                .as("answered while readiness is down").contains("\"allowed\":true");
        await().atMost(Duration.ofSeconds(15)).until(() -> webhook(review) != 200);
        assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).as("the listener stopped after the delay")
                .isGreaterThanOrEqualTo(DELAY);
        assertThat(webhook(review)).as("the route's consumer stopped (503), then the listener (no connection)")
                .isIn(503, -1);
    }

    private int readiness() {
        try {
            return controller.getHealth("/health/readiness").statusCode();
        } catch (IllegalStateException e) {
            return -1; // not listening
        }
    }

    private int webhook(String review) {
        try {
            return controller.post("/admit-pod-interaction", review).statusCode();
        } catch (IllegalStateException e) {
            return -1; // not listening
        }
    }
}
