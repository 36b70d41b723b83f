package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeexec.pi.kube.KubeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Argument parsing and validation, and the {@code extend} conversation, against an in-memory cluster. */
class CommandLineTest {

    private static final Map<String, String> INTERACTED = Map.of(
            "box.com/podInitialInteractionTimestamp", "1634407604",
            "box.com/podInteractorUsername", "alice",
            "box.com/podTTLDuration", "10m0s");

    private FakeCluster cluster;

    @BeforeEach
    void pods() {
        cluster = new FakeCluster()
                .pod("default", "web-0", INTERACTED, Map.of())
                .pod("default", "web-1", INTERACTED, Map.of("box.com/podExtendedDuration", "30m"))
                .pod("default", "db", Map.of(), Map.of())
                .pod("team-b", "api", INTERACTED, Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"get", "GET", "Get"})
    void theActionIsCaseInsensitiveLikeTheOriginalsValidationPromised(String action) {
        FakeCluster.Result r = cluster.run(action, "web-0");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("POD-NAME\t");
    }

    @Test
    void flagsMayComeBeforeTheActionAfterItOrAfterThePodNames() {
        assertThat(cluster.run("-n", "team-b", "get", "api").exit()).isZero();
        assertThat(cluster.run("get", "--namespace=team-b", "api").exit()).isZero();
        assertThat(cluster.run("get", "api", "-n", "team-b").exit()).isZero();
        assertThat(cluster.calls).containsExactly("get team-b/api", "get team-b/api", "get team-b/api");
    }

    @Test
    void everyConnectionFlagReachesTheConnector() {
        cluster.run("get", "web-0", "--kubeconfig", "/tmp/kc", "--context", "ctx", "--cluster", "c", "--user", "u",
                "-s", "https://example:6443", "--token", "t0k", "--request-timeout", "5s", "-n", "default",
                "--certificate-authority", "/ca", "--client-certificate", "/crt", "--client-key", "/key",
                "--insecure-skip-tls-verify", "--tls-server-name", "api.local", "--as", "bob", "--as-group", "g1",
                "--as-group", "g2");

        var f = cluster.lastFlags;
        assertThat(List.of(f.kubeconfig(), f.context(), f.cluster(), f.user(), f.server(), f.token(), f.namespace(),
                f.certificateAuthority(), f.clientCertificate(), f.clientKey(), f.tlsServerName(), f.as()))
                .containsExactly("/tmp/kc", "ctx", "c", "u", "https://example:6443", "t0k", "default", "/ca", "/crt",
                        "/key", "api.local", "bob");
        assertThat(f.insecureSkipTlsVerify()).isTrue();
        assertThat(f.asGroups()).containsExactly("g1", "g2");
        assertThat(f.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void absentFlagsLeaveTheKubeconfigInCharge() {
        cluster.run("get", "web-0");

        var f = cluster.lastFlags;
        assertThat(f.kubeconfig()).isNull();
        assertThat(f.context()).isNull();
        assertThat(f.namespace()).isNull();
        assertThat(f.insecureSkipTlsVerify()).isNull();
        assertThat(f.requestTimeout()).isNull();
    }

    @ParameterizedTest(name = "--request-timeout={0} is {1} seconds")
    @CsvSource({"0, -1", "5, 5", "5s, 5", "2m, 120", "1h, 3600"})
    void requestTimeoutFollowsKubectl(String value, long seconds) {
        cluster.run("get", "web-0", "--request-timeout", value);

        assertThat(cluster.lastFlags.requestTimeout()).isEqualTo(seconds < 0 ? null : Duration.ofSeconds(seconds));
    }

    @Test
    void anInvalidRequestTimeoutIsAnErrorBeforeAnyRequest() {
        FakeCluster.Result r = cluster.run("get", "--request-timeout", "soon");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: invalid timeout value.");
        assertThat(cluster.calls).isEmpty();
    }

    @Test
    void noActionIsTheOriginalsError() {
        FakeCluster.Result r = cluster.run();

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: expecting at least one argument\n");
    }

    @Test
    void anUnknownActionIsTheOriginalsError() {
        FakeCluster.Result r = cluster.run("describe", "web-0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: expecting an action of either 'get' or 'extend' in the command\n");
        assertThat(cluster.calls).isEmpty();
    }

    @Test
    void anUnknownOutputFormatIsRefused() {
        FakeCluster.Result r = cluster.run("get", "-o", "xml");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: unable to match a printer suitable for the output format \"xml\", "
                + "allowed formats are: custom-columns,json,jsonpath,name,table,wide,yaml\n");
        assertThat(cluster.calls).isEmpty();
    }

    @Test
    void podNamesWithAllNamespacesAreRefusedAsKubectlDoes() {
        FakeCluster.Result r = cluster.run("get", "-A", "web-0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot be retrieved by name across all namespaces");
        assertThat(cluster.calls).isEmpty();
    }

    @Test
    void allSelectsTheWholeNamespaceAndIgnoresPodNames() {
        FakeCluster.Result r = cluster.run("get", "--all", "web-0");

        assertThat(r.exit()).isZero();
        assertThat(cluster.calls).containsExactly("list default");
        assertThat(r.out().lines()).hasSize(4);
    }

    @Test
    void helpShowsTheOriginalsExamples() {
        FakeCluster.Result r = cluster.run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("kubectl pi extend -d <duration> -n <pod-namespace> --all", "--context",
                "--request-timeout", "-A, --all-namespaces");
    }

    @Test
    void completionPrintsABashScriptForTheKubectlPiExecutable() {
        FakeCluster.Result r = cluster.run("completion", "bash");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F _complete_kubectl-pi", "extend", "--all-namespaces");
    }

    // ---- extend ---------------------------------------------------------------------------------------------

    @Test
    void extendWritesTheGoFormOfTheDurationOnInteractedPodsOnly() {
        FakeCluster.Result r = cluster.run("extend", "-d", "1d", "web-0", "db");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "Successfully extended the termination time of pod/web-0 with a duration=24h0m0s\n"
                + "no interaction detected from the pod/db\n");
        assertThat(cluster.patches).containsExactly("default/web-0 box.com/podExtendedDuration=24h0m0s");
    }

    @Test
    void theDefaultExtensionIsThirtyMinutes() {
        cluster.run("extend", "web-0");

        assertThat(cluster.patches).containsExactly("default/web-0 box.com/podExtendedDuration=30m0s");
    }

    @Test
    void anInvalidDurationIsRefusedBeforeAnyRequest() {
        FakeCluster.Result r = cluster.run("extend", "-d", "soon", "web-0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(
                "Error: invalid duration \"soon\": expecting a duration such as 90s, 30m, 1h30m or 1d\n");
        assertThat(cluster.calls).isEmpty();
    }

    @Test
    void anExistingExtensionIsOverwrittenOnlyAfterYes() {
        FakeCluster.Result r = cluster.withStdin("y\n", "extend", "-d", "1h", "web-1");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "Warning: pod/web-1 is already annotated with an extension=30m\n"
                + "Please confirm to overwrite the existing extension [y/n]: "
                + "Successfully extended the termination time of pod/web-1 with a duration=1h0m0s\n");
        assertThat(cluster.patches).containsExactly("default/web-1 box.com/podExtendedDuration=1h0m0s");
    }

    @Test
    void noKeepsTheExistingExtension() {
        FakeCluster.Result r = cluster.withStdin("n\n", "extend", "-d", "1h", "web-1");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).endsWith("Please confirm to overwrite the existing extension [y/n]: ");
        assertThat(cluster.patches).isEmpty();
    }

    @Test
    void anythingElseAsksAgain() {
        FakeCluster.Result r = cluster.withStdin("maybe\nYES\n", "extend", "-d", "1h", "web-1");

        assertThat(r.out()).contains("[y/n]: Invalid input, please try again\nPlease confirm to overwrite");
        assertThat(cluster.patches).hasSize(1);
    }

    @Test
    void theEndOfInputIsAFailureThatKeepsTheExtension() {
        FakeCluster.Result r = cluster.withStdin("", "extend", "-d", "1h", "web-1", "web-0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no answer for pod/web-1").contains("use -y");
        assertThat(cluster.patches).containsExactly("default/web-0 box.com/podExtendedDuration=1h0m0s");
    }

    @Test
    void yesOverwritesWithoutAsking() {
        FakeCluster.Result r = cluster.run("extend", "-y", "-d", "90s", "web-1");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).doesNotContain("[y/n]");
        assertThat(cluster.patches).containsExactly("default/web-1 box.com/podExtendedDuration=1m30s");
    }

    @Test
    void aBooleanFlagDoesNotSwallowThePodNameAfterItButTakesAnExplicitValue() {
        assertThat(cluster.run("extend", "-y", "web-1").exit()).isZero();
        assertThat(cluster.patches).containsExactly("default/web-1 box.com/podExtendedDuration=30m0s");
        FakeCluster.Result r = cluster.withStdin("n\n", "extend", "--yes=false", "web-1");
        assertThat(r.out()).contains("[y/n]");
        assertThat(cluster.patches).hasSize(1);
    }

    @Test
    void aWebhookDenialIsShownWithItsMessageAndTheOtherPodsAreStillExtended() {
        cluster.patchFailure = new KubeException("admission webhook \"pod-update.kube-exec-controller\" denied the "
                + "request: an extension cannot be negative", 403, null);
        FakeCluster.Result r = cluster.run("extend", "-d", "1h", "web-0", "api", "-n", "team-b");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: pods \"web-0\" not found\nError: admission webhook "
                + "\"pod-update.kube-exec-controller\" denied the request: an extension cannot be negative\n");
    }

    @Test
    void extendAcrossAllNamespacesUsesEachPodsOwnNamespace() {
        FakeCluster.Result r = cluster.run("extend", "-A", "-y", "-d", "2h");

        assertThat(r.exit()).isZero();
        assertThat(cluster.patches).containsExactly(
                "default/web-0 box.com/podExtendedDuration=2h0m0s",
                "default/web-1 box.com/podExtendedDuration=2h0m0s",
                "team-b/api box.com/podExtendedDuration=2h0m0s");
    }
}
