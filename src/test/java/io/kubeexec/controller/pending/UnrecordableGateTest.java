package io.kubeexec.controller.pending;

import io.kubeexec.controller.decision.UnrecordableRule;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import io.kubeexec.controller.work.WorkQueue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** While it denies, the gate asks the API server itself, so an API server that is back is noticed within seconds. */
class UnrecordableGateTest {

    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
    private final PendingWorkTest.MutableClock clock = new PendingWorkTest.MutableClock(T0);
    private final PendingWork pending = new PendingWork(clock);
    private final List<String> probed = new CopyOnWriteArrayList<>();
    private final AtomicBoolean apiBack = new AtomicBoolean();
    private final UnrecordableGate gate = new UnrecordableGate(new UnrecordableRule(true, Duration.ofSeconds(30)),
            pending, clock, interaction -> {
                probed.add(interaction.namespace() + "/" + interaction.pod());
                if (!apiBack.get()) {
                    throw new IllegalStateException("Connection refused");
                }
            });

    @Test
    void deniesWhileTheProbeFailsAndLetsInOnceItAnswers() {
        pending.accept(exec("web-1"), null);
        pending.accept(exec("web-2"), null);
        pending.apiFailed("GET pod shop/web-1 failed (HTTP 0): Connection refused");
        assertThat(gate.refusal()).as("within the bound").isEmpty();
        assertThat(probed).isEmpty();

        clock.advance(Duration.ofSeconds(31));
        assertThat(gate.refusal()).hasValueSatisfying(m -> assertThat(m).contains("2 accepted interactions"));
        await().atMost(Duration.ofSeconds(5)).until(() -> probed.size() == 1);
        assertThat(probed).containsExactly("shop/web-1");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pending.latestApiOutcome())
                .hasValueSatisfying(o -> assertThat(o.failure()).contains("GET pod shop/web-1: Connection refused")));
        assertThat(gate.refusal()).isPresent();
        assertThat(probed).as("at most one probe every 2 s").hasSize(1);

        apiBack.set(true);
        clock.advance(Duration.ofSeconds(2));
        assertThat(gate.refusal()).isPresent();
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.refusal().isEmpty());
        assertThat(probed).hasSize(2);
    }

    @Test
    void inAllowModeItNeverDeniesNorProbes() {
        UnrecordableGate allow = new UnrecordableGate(new UnrecordableRule(false, Duration.ofSeconds(30)), pending,
                clock, interaction -> probed.add("probed"));
        pending.accept(exec("web-1"), null);
        pending.apiFailed("refused");
        clock.advance(Duration.ofHours(1));

        assertThat(allow.refusal()).isEmpty();
        assertThat(probed).isEmpty();
    }

    private static Interaction exec(String pod) {
        return new Interaction("shop", pod, "alice", List.of(), InteractionKind.EXEC, "app", List.of("sh"), T0);
    }
}
