package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.GoTime;
import io.kubeexec.contract.InteractedPod;
import io.kubeexec.contract.PodInteractions;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.pi.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin's side of the pod-state contract: the keys, durations, times and interaction history it reads and
 * writes are exactly those of {@code contract/src/test/resources/pod-state-contract.json}, which the controller's
 * test checks too (it records the fixture's history on a pod and must write exactly the fixture's annotation).
 */
@SuppressWarnings("unchecked")
class ContractFixtureTest {

    private static Map<String, Object> fixture;
    private final PodKeys keys = PodKeys.DEFAULT;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = ContractFixtureTest.class.getResourceAsStream("/pod-state-contract.json")) {
            assertThat(in).as("the shared fixture on the test class path").isNotNull();
            fixture = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void thePluginUsesTheFixturesPrefixAndKeys() throws Exception {
        Map<String, String> labels = (Map<String, String>) (Map<?, ?>) fixture.get("labels");
        Map<String, String> annotations = (Map<String, String>) (Map<?, ?>) fixture.get("annotations");
        assertThat(PodKeys.DEFAULT_PREFIX).isEqualTo(fixture.get("prefix"));
        assertThat(keys.initialInteractionTimestamp()).isEqualTo(labels.get("initialInteractionTimestamp"));
        assertThat(keys.interactorUsername()).isEqualTo(labels.get("interactorUsername"));
        assertThat(keys.ttlDuration()).isEqualTo(labels.get("ttlDuration"));
        assertThat(keys.terminationTime()).isEqualTo(annotations.get("terminationTime"));
        assertThat(keys.extendedDuration()).isEqualTo(annotations.get("extendedDuration"));
        assertThat(keys.extensionRequester()).isEqualTo(annotations.get("extensionRequester"));
        assertThat(keys.interactions()).isEqualTo(annotations.get("interactions"));

        // A key added to PodKeys but not to the fixture (or the other way round) fails here.
        Set<String> declared = new HashSet<>();
        for (Method m : PodKeys.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 0 && m.getReturnType() == String.class
                    && !List.of("prefix", "toString").contains(m.getName())) {
                declared.add(m.getName());
                assertThat((String) m.invoke(keys)).as(m.getName())
                        .isEqualTo(labels.getOrDefault(m.getName(), annotations.get(m.getName())));
            }
        }
        Set<String> inFixture = new HashSet<>(labels.keySet());
        inFixture.addAll(annotations.keySet());
        assertThat(declared).isEqualTo(inFixture);
    }

    @Test
    void durationsParseAndPrintAsTheFixtureSays() {
        for (Map<String, Object> d : (List<Map<String, Object>>) fixture.get("durations")) {
            String text = (String) d.get("text");
            assertThat(GoDuration.parseNanos(text)).as(text).isEqualTo(((Number) d.get("nanos")).longValue());
            assertThat(GoDuration.formatNanos(((Number) d.get("nanos")).longValue())).isEqualTo(d.get("go"));
        }
    }

    @Test
    void timesPrintAndParseAsTheFixtureSays() {
        for (Map<String, Object> t : (List<Map<String, Object>>) fixture.get("times")) {
            Instant instant = Instant.ofEpochSecond(((Number) t.get("unixSeconds")).longValue(),
                    ((Number) t.get("nanos")).longValue());
            assertThat(GoTime.format(instant)).isEqualTo(t.get("go"));
            assertThat(GoTime.parse((String) t.get("go"))).isEqualTo(instant);
        }
    }

    @Test
    void samplePodsReadBackToTheFixturesEvictionTimeAndShowAsWritten() {
        for (Map<String, Object> p : (List<Map<String, Object>>) fixture.get("pods")) {
            Map<String, String> labels = (Map<String, String>) (Map<?, ?>) p.get("labels");
            Map<String, String> annotations = (Map<String, String>) (Map<?, ?>) p.get("annotations");
            Object eviction = p.get("evictionTime");
            assertThat(InteractedPod.read(keys, labels, annotations).map(s -> GoTime.format(s.evictionTime())))
                    .as((String) p.get("name")).isEqualTo(java.util.Optional.ofNullable(eviction));

            PodRow row = PodRow.of(new PodMeta("default", (String) p.get("name"), labels, annotations), keys, false);
            assertThat(row.interacted()).isEqualTo(eviction != null);
            assertThat(row.evictionTime()).isEqualTo(eviction == null ? "" : eviction);
            assertThat(row.interactor()).isEqualTo(labels.getOrDefault(keys.interactorUsername(), ""));
            assertThat(row.ttl()).isEqualTo(labels.getOrDefault(keys.ttlDuration(), ""));
            assertThat(row.extension()).isEqualTo(annotations.getOrDefault(keys.extendedDuration(), ""));
            assertThat(row.extensionRequester()).isEqualTo(annotations.getOrDefault(keys.extensionRequester(), ""));
        }
    }

    @Test
    void theInteractionHistoryReadsBackToTheFixturesEntries() {
        Map<String, Object> history = (Map<String, Object>) fixture.get("interactionHistory");
        List<Map<String, Object>> expected = (List<Map<String, Object>>) history.get("entries");

        List<PodInteractions.Entry> read = PodRow.history((String) history.get("annotation"));
        assertThat(PodInteractions.MAX_ENTRIES).isEqualTo(((Number) history.get("maxEntries")).intValue());

        assertThat(read).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> e = expected.get(i);
            assertThat(read.get(i)).isEqualTo(new PodInteractions.Entry((String) e.get("user"),
                    (List<String>) e.get("groups"), (String) e.get("kind"), (String) e.get("container"),
                    (List<String>) e.get("command"), (String) e.get("time")));
            assertThat(read.get(i).instant()).as("the time is in the contract's Go form").isPresent();
        }
    }

    @Test
    void extensionsAreWrittenAsTheFixtureSaysAndTheControllerCanParseThem() {
        for (Map<String, Object> e : (List<Map<String, Object>>) fixture.get("extensionsWrittenByKubectlPi")) {
            String written = ExtendCommand.extension((String) e.get("given"));
            assertThat(written).as((String) e.get("given")).isEqualTo(e.get("written"));
            assertThat(GoDuration.format(GoDuration.parse(written))).isEqualTo(written);
        }
    }
}
