package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeexec.pi.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A controller run with {@code -key-prefix} (or {@code KEC_KEY_PREFIX}) writes its keys under that prefix; the plugin
 * reads and writes the same keys when given the same prefix, as a flag or through the same variable.
 */
class KeyPrefixTest {

    private FakeCluster cluster;

    @BeforeEach
    void pods() {
        cluster = new FakeCluster()
                .pod("default", "ours", Map.of(
                        "kec.example.org/podInitialInteractionTimestamp", "1634407604",
                        "kec.example.org/podInteractorUsername", "alice",
                        "kec.example.org/podTTLDuration", "10m0s"), Map.of(
                        "kec.example.org/podTerminationTime", "2021-10-16 18:16:44 +0000 UTC",
                        "kec.example.org/podInteractions", "[{\"user\":\"alice\",\"groups\":[],\"kind\":\"exec\","
                                + "\"container\":\"app\",\"command\":[\"sh\"],"
                                + "\"time\":\"2021-10-16 18:06:44 +0000 UTC\"}]"))
                .pod("default", "theirs", Map.of(
                        "box.com/podInitialInteractionTimestamp", "1634407604",
                        "box.com/podInteractorUsername", "bob",
                        "box.com/podTTLDuration", "10m0s"), Map.of(
                        "box.com/podTerminationTime", "2021-10-16 18:16:44 +0000 UTC"));
    }

    private static final String TABLE = ""
            + "POD-NAME\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\n"
            + "ours\t\talice\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n"
            + "theirs\t\t\t\t\t\t\t\t\t\t\t\n";

    @Test
    void getReadsTheKeysOfTheGivenPrefixOnly() {
        FakeCluster.Result r = cluster.run("get", "--key-prefix", "kec.example.org/");

        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(TABLE);
    }

    @Test
    void theControllersVariableSetsThePrefixWhenTheFlagIsAbsent() {
        cluster.env.put("KEC_KEY_PREFIX", "kec.example.org/");

        FakeCluster.Result r = cluster.run("get");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(TABLE);
    }

    @Test
    void theFlagWinsOverTheVariable() {
        cluster.env.put("KEC_KEY_PREFIX", "kec.example.org/");

        FakeCluster.Result r = cluster.run("get", "--key-prefix=box.com/");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "POD-NAME\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\n"
                + "ours\t\t\t\t\t\t\t\t\t\t\t\n"
                + "theirs\t\tbob\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHistoryIsReadFromThePrefixedAnnotation() {
        FakeCluster.Result r = cluster.run("get", "ours", "-o", "json", "--key-prefix", "kec.example.org/");

        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> pod = ((List<Map<String, Object>>) Json.parseObject(r.out()).get("items")).get(0);
        assertThat((List<Map<String, Object>>) pod.get("interactions")).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("user", "alice").containsEntry("command", List.of("sh")));
    }

    @Test
    void aGarbledHistoryIsNamedByItsPrefixedKey() {
        cluster.pods.get("default/ours").annotations().put("kec.example.org/podInteractions", "{}");

        FakeCluster.Result r = cluster.run("get", "ours", "-o", "wide", "--key-prefix", "kec.example.org/");

        assertThat(r.exit()).isZero();
        assertThat(r.err())
                .startsWith("Warning: pod/ours: its kec.example.org/podInteractions annotation cannot be read");
    }

    @Test
    void extendWritesTheExtensionUnderThePrefixAndOnlyOnPodsInteractedUnderIt() {
        FakeCluster.Result r = cluster.run("extend", "ours", "theirs", "-d", "1h", "--key-prefix", "kec.example.org/");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "Successfully extended the termination time of pod/ours with a duration=1h0m0s\n"
                + "no interaction detected from the pod/theirs\n");
        assertThat(cluster.patches).containsExactly("default/ours kec.example.org/podExtendedDuration=1h0m0s");
    }

    @Test
    void anExistingExtensionUnderThePrefixIsAskedAbout() {
        cluster.pods.get("default/ours").annotations().put("kec.example.org/podExtendedDuration", "30m0s");
        cluster.env.put("KEC_KEY_PREFIX", "kec.example.org/");

        FakeCluster.Result r = cluster.withStdin("n\n", "extend", "ours");

        assertThat(r.out()).startsWith("Warning: pod/ours is already annotated with an extension=30m0s\n");
        assertThat(cluster.patches).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Box.com/", "box.com", "box_com/", "-box.com/", "box.com//", "/"})
    void aPrefixTheControllerWouldRefuseIsRefusedBeforeAnyRequest(String prefix) {
        FakeCluster.Result r = cluster.run("extend", "ours", "--key-prefix=" + prefix);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: invalid value \"" + prefix + "\" for --key-prefix: key prefix must be a "
                + "DNS subdomain followed by '/', like box.com/: \"" + prefix + "\"\n");
        assertThat(cluster.calls).isEmpty();
        assertThat(cluster.patches).isEmpty();
    }

    @Test
    void aBadVariableIsNamedInTheError() {
        cluster.env.put("KEC_KEY_PREFIX", "not a prefix");

        FakeCluster.Result r = cluster.run("get");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: invalid value \"not a prefix\" for KEC_KEY_PREFIX: key prefix must be");
        assertThat(cluster.calls).isEmpty();
    }

    @Test
    void theEmptyPrefixIsAcceptedAsTheControllerAcceptsIt() {
        cluster.pod("default", "bare", Map.of("podInitialInteractionTimestamp", "1634407604",
                "podInteractorUsername", "carol", "podTTLDuration", "10m0s"), Map.of());

        FakeCluster.Result r = cluster.run("get", "bare", "--key-prefix=");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("bare\t\tcarol\t\t10m0s");
    }
}
