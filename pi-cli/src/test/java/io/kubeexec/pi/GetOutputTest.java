package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeexec.pi.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact output of {@code kubectl pi get}: the original's tab-padded table, and the new formats. The expected
 * tables were printed by Go's {@code text/tabwriter} with the original plugin's settings (minwidth 0, tabwidth 8,
 * padding 2, padchar tab).
 */
class GetOutputTest {

    /** Three interactions, as the controller writes the annotation (Jackson's compact form, oldest first). */
    static final String HISTORY = "["
            + "{\"user\":\"alice\",\"groups\":[\"system:masters\",\"system:authenticated\"],\"kind\":\"exec\","
            + "\"container\":\"app\",\"command\":[\"sh\",\"-c\",\"ls /tmp\"],\"time\":\"2021-10-16 18:06:44 +0000 UTC\"},"
            + "{\"user\":\"alice\",\"groups\":[\"system:masters\",\"system:authenticated\"],\"kind\":\"cp\","
            + "\"container\":\"app\",\"command\":[\"tar\",\"cf\",\"-\",\"/var/log\"],"
            + "\"time\":\"2021-10-16 18:09:10 +0000 UTC\"},"
            + "{\"user\":\"bob@example.com\",\"groups\":[\"dev\"],\"kind\":\"portforward\",\"container\":\"\","
            + "\"command\":[],\"time\":\"2021-10-16 18:15:00 +0000 UTC\"}]";

    private FakeCluster cluster;

    @BeforeEach
    void pods() {
        cluster = new FakeCluster()
                .pod("default", "web-0", Map.of(
                        "box.com/podInitialInteractionTimestamp", "1634407604",
                        "box.com/podInteractorUsername", "alice",
                        "box.com/podTTLDuration", "10m0s"), Map.of(
                        "box.com/podTerminationTime", "2021-10-16 18:16:44 +0000 UTC",
                        "box.com/podInteractions", HISTORY))
                .pod("default", "web-1-with-a-longer-name", Map.of(
                        "box.com/podInitialInteractionTimestamp", "1634407604",
                        "box.com/podInteractorUsername", "bob",
                        "box.com/podTTLDuration", "10m0s"), Map.of(
                        "box.com/podExtendedDuration", "30m",
                        "box.com/podExtensionRequester", "carol@example.com",
                        "box.com/podTerminationTime", "2021-10-16 18:46:44 +0000 UTC"))
                .pod("default", "db", Map.of("app", "db"), Map.of())
                .pod("team-b", "api", Map.of(
                        "box.com/podInitialInteractionTimestamp", "1634408037",
                        "box.com/podInteractorUsername", "dave",
                        "box.com/podTTLDuration", "2m0s"), Map.of());
    }

    @Test
    void tableOfInteractedExtendedAndPlainPodsIsPaddedWithTabsLikeGosTabwriter() {
        FakeCluster.Result r = cluster.run("get");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(""
                + "POD-NAME\t\t\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\n"
                + "web-0\t\t\t\talice\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n"
                + "web-1-with-a-longer-name\tbob\t\t10m0s\t\t30m\t\tcarol@example.com\t2021-10-16 18:46:44 +0000 UTC\n"
                + "db\t\t\t\t\t\t\t\t\t\t\t\t\t\n");
        assertThat(cluster.calls).containsExactly("list default");
    }

    @Test
    void namedPodsAreShownInTheOrderGiven() {
        FakeCluster.Result r = cluster.run("get", "db", "web-0");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "POD-NAME\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\n"
                + "db\t\t\t\t\t\t\t\t\t\t\t\n"
                + "web-0\t\talice\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n");
        assertThat(cluster.calls).containsExactly("get default/db", "get default/web-0");
    }

    @Test
    void aMissingPodIsReportedOnStderrOnItsOwnLineAndTheOthersAreStillShown() {
        FakeCluster.Result r = cluster.run("get", "nope", "web-0", "gone");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: pods \"nope\" not found\nError: pods \"gone\" not found\n");
        assertThat(r.out()).isEqualTo(""
                + "POD-NAME\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\n"
                + "web-0\t\talice\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n");
    }

    @Test
    void allNamespacesAddsANamespaceColumnInFront() {
        FakeCluster.Result r = cluster.run("get", "-A");

        assertThat(cluster.calls).containsExactly("list *");
        assertThat(r.out()).isEqualTo(""
                + "NAMESPACE\tPOD-NAME\t\t\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\n"
                + "default\t\tweb-0\t\t\t\talice\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\n"
                + "default\t\tweb-1-with-a-longer-name\tbob\t\t10m0s\t\t30m\t\tcarol@example.com\t"
                + "2021-10-16 18:46:44 +0000 UTC\n"
                + "default\t\tdb\t\t\t\t\t\t\t\t\t\t\t\t\t\n"
                + "team-b\t\tapi\t\t\t\tdave\t\t2m0s\t\t\t\t\t\t\t2021-10-16 18:15:57 +0000 UTC\n");
    }

    @Test
    void wideAddsTheNamespaceTheFirstInteractionTimeAndTheHistory() {
        FakeCluster.Result r = cluster.run("get", "-o", "wide", "web-0", "web-1-with-a-longer-name", "db");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        // web-0 has a history; web-1 was labelled without one (by the original controller, say); db was never
        // interacted with.
        assertThat(r.out()).isEqualTo(""
                + "NAMESPACE\tPOD-NAME\t\t\tINTERACTOR\tPOD-TTL\t\tEXTENSION\tEXTENSION-REQUESTER\tEVICTION-TIME\t\t\t"
                + "INITIAL-INTERACTION-TIME\tINTERACTIONS\tLAST-INTERACTION\n"
                + "default\t\tweb-0\t\t\t\talice\t\t10m0s\t\t\t\t\t\t\t2021-10-16 18:16:44 +0000 UTC\t"
                + "2021-10-16 18:06:44 +0000 UTC\t3\t\tportforward by bob@example.com 5m ago\n"
                + "default\t\tweb-1-with-a-longer-name\tbob\t\t10m0s\t\t30m\t\tcarol@example.com\t"
                + "2021-10-16 18:46:44 +0000 UTC\t2021-10-16 18:06:44 +0000 UTC\t\t\t\n"
                + "default\t\tdb\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n");
    }

    @Test
    void wideCountsAnEmptyHistoryAndShowsTheLastInteractionWithoutAnAgeWhenItsTimeIsUnreadable() {
        cluster.pod("default", "new", Map.of(), Map.of("box.com/podInteractions", "[]"))
                .pod("default", "odd", Map.of(), Map.of("box.com/podInteractions",
                        "[{\"user\":\"eve\",\"kind\":\"attach\",\"time\":\"yesterday\"},{\"time\":\"also yesterday\"}]"))
                .pod("default", "eve", Map.of(), Map.of("box.com/podInteractions",
                        "[{\"user\":\"eve\",\"kind\":\"debug\",\"time\":\"2021-10-16 18:19:59 +0000 UTC\"}]"));

        FakeCluster.Result r = cluster.run("get", "-o", "wide", "new", "odd", "eve");

        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines().map(l -> l.replaceAll("\t+", "|"))).containsExactly(
                "NAMESPACE|POD-NAME|INTERACTOR|POD-TTL|EXTENSION|EXTENSION-REQUESTER|EVICTION-TIME"
                        + "|INITIAL-INTERACTION-TIME|INTERACTIONS|LAST-INTERACTION",
                "default|new|0|",
                "default|odd|2|interaction",
                "default|eve|1|debug by eve 1s ago");
    }

    @Test
    void evictionTimeIsComputedFromTheLabelsWhenTheControllerHasNotWrittenItYet() {
        FakeCluster.Result r = cluster.run("get", "-n", "team-b", "api");

        assertThat(r.out()).endsWith("\t2021-10-16 18:15:57 +0000 UTC\n");
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonListsEveryPodWithItsStateAndLeavesOutWhatIsAbsent() {
        FakeCluster.Result r = cluster.run("get", "-o", "json", "web-1-with-a-longer-name", "db");

        assertThat(r.exit()).isZero();
        Map<String, Object> doc = Json.parseObject(r.out());
        assertThat(doc.get("kind")).isEqualTo("PodInteractionList");
        List<Map<String, Object>> items = (List<Map<String, Object>>) doc.get("items");
        assertThat(items.get(0)).containsExactly(
                Map.entry("namespace", "default"),
                Map.entry("name", "web-1-with-a-longer-name"),
                Map.entry("interacted", true),
                Map.entry("interactor", "bob"),
                Map.entry("initialInteractionTime", "2021-10-16 18:06:44 +0000 UTC"),
                Map.entry("ttl", "10m0s"),
                Map.entry("extension", "30m"),
                Map.entry("extensionRequester", "carol@example.com"),
                Map.entry("evictionTime", "2021-10-16 18:46:44 +0000 UTC"),
                Map.entry("interactions", List.of()));
        assertThat(items.get(1)).containsExactly(Map.entry("namespace", "default"), Map.entry("name", "db"),
                Map.entry("interacted", false), Map.entry("interactions", List.of()));
    }

    @Test
    void jsonListsEveryRecordedInteractionOldestFirstWithTheFieldsTheControllerWrote() {
        FakeCluster.Result r = cluster.run("get", "-o", "json", "web-0");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("""
                {
                    "kind": "PodInteractionList",
                    "items": [
                        {
                            "namespace": "default",
                            "name": "web-0",
                            "interacted": true,
                            "interactor": "alice",
                            "initialInteractionTime": "2021-10-16 18:06:44 +0000 UTC",
                            "ttl": "10m0s",
                            "evictionTime": "2021-10-16 18:16:44 +0000 UTC",
                            "interactions": [
                                {
                                    "user": "alice",
                                    "groups": [
                                        "system:masters",
                                        "system:authenticated"
                                    ],
                                    "kind": "exec",
                                    "container": "app",
                                    "command": [
                                        "sh",
                                        "-c",
                                        "ls /tmp"
                                    ],
                                    "time": "2021-10-16 18:06:44 +0000 UTC"
                                },
                                {
                                    "user": "alice",
                                    "groups": [
                                        "system:masters",
                                        "system:authenticated"
                                    ],
                                    "kind": "cp",
                                    "container": "app",
                                    "command": [
                                        "tar",
                                        "cf",
                                        "-",
                                        "/var/log"
                                    ],
                                    "time": "2021-10-16 18:09:10 +0000 UTC"
                                },
                                {
                                    "user": "bob@example.com",
                                    "groups": [
                                        "dev"
                                    ],
                                    "kind": "portforward",
                                    "command": [],
                                    "time": "2021-10-16 18:15:00 +0000 UTC"
                                }
                            ]
                        }
                    ]
                }
                """);
    }

    @Test
    void yamlHasTheSameDocument() {
        FakeCluster.Result r = cluster.run("get", "-o", "yaml", "web-0", "db");

        assertThat(r.out()).isEqualTo(""
                + "kind: PodInteractionList\n"
                + "items:\n"
                + "- namespace: default\n"
                + "  name: web-0\n"
                + "  interacted: true\n"
                + "  interactor: alice\n"
                + "  initialInteractionTime: 2021-10-16 18:06:44 +0000 UTC\n"
                + "  ttl: 10m0s\n"
                + "  evictionTime: 2021-10-16 18:16:44 +0000 UTC\n"
                + "  interactions:\n"
                + "  - user: alice\n"
                + "    groups:\n"
                + "    - system:masters\n"
                + "    - system:authenticated\n"
                + "    kind: exec\n"
                + "    container: app\n"
                + "    command:\n"
                + "    - sh\n"
                + "    - -c\n"
                + "    - ls /tmp\n"
                + "    time: 2021-10-16 18:06:44 +0000 UTC\n"
                + "  - user: alice\n"
                + "    groups:\n"
                + "    - system:masters\n"
                + "    - system:authenticated\n"
                + "    kind: cp\n"
                + "    container: app\n"
                + "    command:\n"
                + "    - tar\n"
                + "    - cf\n"
                + "    - '-'\n"
                + "    - /var/log\n"
                + "    time: 2021-10-16 18:09:10 +0000 UTC\n"
                + "  - user: bob@example.com\n"
                + "    groups:\n"
                + "    - dev\n"
                + "    kind: portforward\n"
                + "    command: []\n"
                + "    time: 2021-10-16 18:15:00 +0000 UTC\n"
                + "- namespace: default\n"
                + "  name: db\n"
                + "  interacted: false\n"
                + "  interactions: []\n");
    }

    @Test
    void anUnreadableHistoryIsAWarningOnItsOwnLineAndThePodIsStillShownWithoutIt() {
        cluster.pod("default", "garbled", Map.of(
                "box.com/podInitialInteractionTimestamp", "1634407604",
                "box.com/podInteractorUsername", "alice",
                "box.com/podTTLDuration", "10m0s"), Map.of("box.com/podInteractions", "[{\"user\":\"alice\","));

        FakeCluster.Result json = cluster.run("get", "-o", "json", "garbled", "web-0");
        FakeCluster.Result wide = cluster.run("get", "-o", "wide", "garbled");
        FakeCluster.Result table = cluster.run("get", "garbled");
        FakeCluster.Result missingToo = cluster.run("get", "-o", "yaml", "nope", "garbled");

        String warning = "Warning: pod/garbled: its box.com/podInteractions annotation cannot be read, so its "
                + "history is not shown: invalid JSON at offset 17: unexpected end of input\n";
        assertThat(json.exit()).as("a garbled annotation is not a failure of the command").isZero();
        assertThat(json.err()).isEqualTo(warning);
        assertThat(Json.parseObject(json.out()).get("items")).asList().hasSize(2).first()
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("name", "garbled").containsEntry("interactor", "alice")
                .containsEntry("interactions", List.of());
        assertThat(wide.exit()).isZero();
        assertThat(wide.err()).isEqualTo(warning);
        assertThat(wide.out()).endsWith("\t2021-10-16 18:06:44 +0000 UTC\t\t\t\n");
        assertThat(table.exit()).isZero();
        assertThat(table.err()).as("the original's table shows no history, so it does not read it").isEmpty();
        assertThat(missingToo.exit()).isEqualTo(1);
        assertThat(missingToo.err()).isEqualTo("Error: pods \"nope\" not found\n" + warning);
    }

    @Test
    void withAllNamespacesTheWarningNamesTheNamespace() {
        cluster.pod("team-b", "garbled", Map.of(), Map.of("box.com/podInteractions", "{}"));

        FakeCluster.Result r = cluster.run("get", "-A", "-o", "json");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEqualTo("Warning: pod/garbled in namespace team-b: its box.com/podInteractions "
                + "annotation cannot be read, so its history is not shown: not a JSON array\n");
    }

    @Test
    void anEmptyNamespaceIsTheOriginalsErrorInATableAndAnEmptyListInJson() {
        FakeCluster.Result table = cluster.run("get", "-n", "empty");
        FakeCluster.Result json = cluster.run("get", "-n", "empty", "-o", "json");

        assertThat(table.exit()).isEqualTo(1);
        assertThat(table.err()).isEqualTo("Error: no pods returned under the namespace 'empty'\n");
        assertThat(table.out()).isEmpty();
        assertThat(json.exit()).isZero();
        assertThat(Json.parseObject(json.out()).get("items")).isEqualTo(List.of());
    }
}
