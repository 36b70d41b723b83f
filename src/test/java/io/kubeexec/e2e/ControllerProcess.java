package io.kubeexec.e2e;

import io.kubeexec.controller.support.TestController;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The controller as an operator runs it: the real launcher {@code bin/kube-exec-controller} as a child process,
 * with the test certificate, on a free port, logging to {@code target/<name>.log}.
 */
public final class ControllerProcess implements AutoCloseable {

    private static final HttpClient HTTPS = HttpClient.newBuilder()
            .sslContext(TestController.trustingTestCertificate()).connectTimeout(Duration.ofSeconds(5)).build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final int port;
    private final int healthPort;
    private final Path log;
    private final Process process;

    private ControllerProcess(String name, int port, int healthPort, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.healthPort = healthPort;
        this.log = log;
        this.process = process;
    }

    /** Starts a controller named {@code name} (also its leader-election identity) with the flags given. */
    public static ControllerProcess start(String name, Path kubeconfig, String... flags) throws IOException {
        return start(name, TestController.freePort(), kubeconfig, flags);
    }

    /** As {@link #start(String, Path, String...)}, on a given port: a restarted controller takes its predecessor's. */
    public static ControllerProcess start(String name, int port, Path kubeconfig, String... flags)
            throws IOException {
        List<String> all = new ArrayList<>(List.of("-cert-path", TestController.resource("tls/tls.crt").toString(),
                "--key-path=" + TestController.resource("tls/tls.key")));
        all.addAll(List.of(flags));
        return launch(name, port, kubeconfig, all);
    }

    /** A controller without certificate files: give it -certificate-secret (self-managed certificates). */
    public static ControllerProcess startWithoutFiles(String name, Path kubeconfig, String... flags)
            throws IOException {
        return launch(name, TestController.freePort(), kubeconfig, List.of(flags));
    }

    private static ControllerProcess launch(String name, int port, Path kubeconfig, List<String> flags)
            throws IOException {
        Path log = Path.of(System.getProperty("project.build.directory", "target"), name + ".log");
        int healthPort = TestController.freePort();
        List<String> command = new ArrayList<>(List.of("bin/kube-exec-controller",
                "-port", Integer.toString(port),
                "-bind-address", "127.0.0.1",
                "-health-port", Integer.toString(healthPort),
                "-health-bind-address", "127.0.0.1"));
        command.addAll(flags);
        ProcessBuilder launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        launcher.environment().put("KUBECONFIG", kubeconfig.toString());
        launcher.environment().put("HOSTNAME", name);
        launcher.environment().put("KEC_JAR", System.getProperty("controller.jar", "target/kube-exec-controller.jar"));
        return new ControllerProcess(name, port, healthPort, log, launcher.start());
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public int healthPort() {
        return healthPort;
    }

    public Process process() {
        return process;
    }

    /** Waits until readiness answers 200; fails with the log if the process exits first. */
    public ControllerProcess awaitReady() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited:\n" + log());
            }
            try {
                return health("/health/readiness").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /** A GET on the plain-HTTP port of the probes and metrics. */
    public HttpResponse<String> health(String path) throws IOException {
        return send(HTTP, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build());
    }

    public HttpResponse<String> post(String path, String body) throws IOException {
        return send(HTTPS, HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + port + path);
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * SIGTERM, then waits for the process to exit: the graceful stop an operator's rollout does. Returns the exit
     * status; fails (after a SIGKILL) if it has not exited within {@code timeout}.
     */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not exit within " + timeout + " of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, so a Lease is not released; as when a node dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
