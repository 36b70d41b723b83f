package io.kubeexec.e2e;

import io.kubeexec.controller.config.Flag;
import io.kubeexec.controller.support.TestController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher as an operator meets it: help, and a clear one-line refusal to start on bad input. */
class StartupIT {

    private static final String CERT = TestController.resource("tls/tls.crt").toString();
    private static final String KEY = TestController.resource("tls/tls.key").toString();

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariable() {
        Command help = launch("--help");

        assertThat(help.exitCode()).isZero();
        for (Flag flag : Flag.values()) {
            assertThat(help.stdout()).contains("-" + flag.flagName()).contains(flag.envName());
        }
        assertThat(help.stdout()).contains("(default 600)").contains("(default 8443)");
    }

    @Test
    void anInvalidValueStopsStartUpWithOneLineNamingTheFlag() {
        Command run = launch("-cert-path", CERT, "-key-path", KEY, "--ttl-seconds=-5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip())
                .isEqualTo("kube-exec-controller: invalid value \"-5\" for -ttl-seconds: must not be negative");
    }

    @Test
    void aMissingCertificateIsNamed() {
        Command run = launch("-key-path", KEY);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip())
                .isEqualTo("kube-exec-controller: -cert-path is required (or KEC_CERT_PATH)");
    }

    @Test
    void aCertificateFileWithoutACertificateStopsStartUpInOneLineNamingIt(@TempDir Path dir) throws IOException {
        Path notACertificate = Files.writeString(dir.resolve("tls.crt"), "not a certificate\n");

        Command run = launch("-cert-path", notACertificate.toString(), "-key-path", KEY,
                "-port", Integer.toString(TestController.freePort()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip())
                .isEqualTo("kube-exec-controller: " + notACertificate + " holds no PEM certificate");
    }

    @Test
    void aBusyPortIsRefusedBeforeCamelCouldPretendToListen() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Command run = launch("-cert-path", CERT, "-key-path", KEY, "-bind-address", "127.0.0.1",
                    "-port", Integer.toString(busy.getLocalPort()));

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.stderr()).startsWith("kube-exec-controller: cannot listen on 127.0.0.1:"
                    + busy.getLocalPort() + " (-port, -bind-address)");
        }
    }

    @Test
    void aBusyHealthPortIsRefusedNamingItsFlags() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Command run = launch("-cert-path", CERT, "-key-path", KEY, "-port", Integer.toString(TestController.freePort()),
                    "-health-port", Integer.toString(busy.getLocalPort()));

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.stderr()).startsWith("kube-exec-controller: cannot listen on 127.0.0.1:"
                    + busy.getLocalPort() + " (-health-port, -health-bind-address)");
        }
    }

    @Test
    void aBrokenRouteFileStopsStartUpNamingFileLineAndColumn(@TempDir Path routes) throws IOException {
        Files.writeString(routes.resolve("broken.camel.yaml"),
                "- route:\n    id: broken\n    from:\n      uri: \"direct:x\"\n      steps:\n        - tooo: nowhere\n");

        Command run = launch("-cert-path", CERT, "-key-path", KEY, "-port", Integer.toString(TestController.freePort()),
                "-routes-dir", routes.toString(), "-api-server", "https://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("kube-exec-controller: cannot start: Unknown node id: tooo")
                .contains("broken.camel.yaml, line 6, column 11");
    }

    @Test
    void anAdmissionRouteEditedUnderItsFastPathIsRefusedRatherThanIgnored() {
        // As an operator might edit the routes in a -routes-dir copy: a step added, the fastPath line kept.
        String steps = "      steps:\n        - setProperty:\n            name: reply\n            method:\n"
                + "              ref: admissionWebhook\n              method: \"podUpdate(";
        Path routes = io.kubeexec.controller.support.EditedRoutes.copyWithEdit("admission.camel.yaml", steps,
                steps.replace("      steps:\n", "      steps:\n        - log: \"reviewed by the operator's step\"\n"));

        Command run = launch("-cert-path", CERT, "-key-path", KEY, "-port", Integer.toString(TestController.freePort()),
                "-routes-dir", routes.toString(), "-api-server", "https://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr().lines().filter(l -> l.startsWith("kube-exec-controller:")).toList()).singleElement()
                .asString().contains("route admit-pod-update says fastPath: podUpdate")
                .contains("its steps are not the built-in ones; remove fastPath from the route for its own steps to run");
        assertThat(run.stdout()).as("never half-started").doesNotContain("Started admit-pod-interaction");
    }

    @Test
    void aRouteThatStillKeepsTheLedgerByHandIsRefusedNamingTheBeanMethod(@TempDir Path routes) throws IOException {
        // As workers and kubernetes-retries did before the ledger kept itself: pendingWork.recorded is gone.
        Files.writeString(routes.resolve("old-worker.camel.yaml"), "- route:\n    id: old-worker\n    from:\n"
                + "      uri: \"direct:old-worker\"\n      steps:\n        - bean:\n            ref: pendingWork\n"
                + "            method: \"recorded(${header.KecPendingWork})\"\n");

        Command run = launch("-cert-path", CERT, "-key-path", KEY, "-port", Integer.toString(TestController.freePort()),
                "-routes-extra-dir", routes.toString(), "-api-server", "https://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).startsWith("kube-exec-controller: cannot start: Failed to create route: old-worker")
                .contains("Method with name: recorded(${header.KecPendingWork}) not found on bean")
                .contains("io.kubeexec.controller.pending.PendingWork");
        assertThat(run.stdout()).as("never half-started").doesNotContain("Started admit-pod-interaction");
    }

    @Test
    void aBrokenFileInTheExtraRoutesDirectoryStopsStartUpNamingFileLineAndColumn(@TempDir Path routes)
            throws IOException {
        Files.writeString(routes.resolve("observer.camel.yaml"), "- route:\n    id: observer\n    from:\n"
                + "      uri: \"seda:interaction-recorded?multipleConsumers=true\"\n      steps:\n"
                + "        - log:\n            message: ok\n        - to: [unclosed\n");

        Command run = launch("-cert-path", CERT, "-key-path", KEY, "-port", Integer.toString(TestController.freePort()),
                "-routes-extra-dir", routes.toString(), "-api-server", "https://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).startsWith("kube-exec-controller: cannot start: ")
                .contains("observer.camel.yaml, line 8, column");
        assertThat(run.stdout()).as("never half-started").doesNotContain("Started admit-pod-interaction");
    }

    @Test
    void excludingARouteIdThatDoesNotExistIsRefusedInOneLine() {
        Command run = launch("-cert-path", CERT, "-key-path", KEY, "-port", Integer.toString(TestController.freePort()),
                "-routes-exclude", "record-interactions", "-api-server", "https://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip()).startsWith("kube-exec-controller: invalid value \"record-interactions\" for "
                + "-routes-exclude: no route has the id record-interactions (the routes are: admit-pod-interaction,")
                .doesNotContain("\n");
    }

    @Test
    void excludingTheAdmissionRouteWithoutAReplacementIsRefused() {
        Command run = launch("-cert-path", CERT, "-key-path", KEY, "-port", Integer.toString(TestController.freePort()),
                "-bind-address", "127.0.0.1", "-routes-exclude", "admit-pod-interaction",
                "-api-server", "https://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().strip()).matches("kube-exec-controller: -routes-exclude admit-pod-interaction leaves "
                + "undertow:https://127\\.0\\.0\\.1:\\d+/admit-pod-interaction without a consumer: add a route "
                + "\\(under a new id\\) that consumes it");
        assertThat(run.stdout()).as("never half-started").doesNotContain("Started admit-pod-update");
    }

    /** Loopback only, and a free health port: 8080 may be taken on the machine. A test's own flags come later and win. */
    private static Command launch(String... args) {
        List<String> command = new ArrayList<>(List.of("bin/kube-exec-controller", "-bind-address", "127.0.0.1",
                "-health-bind-address", "127.0.0.1", "-health-port", Integer.toString(TestController.freePort())));
        command.addAll(List.of(args));
        return Command.run(command, Map.of("KEC_JAR",
                System.getProperty("controller.jar", "target/kube-exec-controller.jar")), Duration.ofSeconds(60));
    }
}
