package io.kubeexec.e2e;

import io.fabric8.kubeapitest.KubeAPIServerConfig;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.binary.Binaries;
import io.fabric8.kubeapitest.binary.BinaryManager;
import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubeapitest.kubeconfig.KubeConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeexec.controller.support.TestController;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real kube-apiserver v1.20.2 and etcd, like {@link RealApiServer}, whose API server a test can stop and start
 * again while etcd keeps the data: the same port, certificates and kubeconfig, so clients (and controllers) carry
 * on as after a real outage. The binaries and certificates come from kube-api-test, as for {@link RealApiServer};
 * the two processes are run here (as tools/control-plane.sh does), because kube-api-test picks a new port at every
 * start. Both listen on 127.0.0.1 only. Their output goes to {@code target/<name>-etcd.log} and
 * {@code -kube-apiserver.log}.
 */
public final class StoppableApiServer implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private final String name;
    private final Path dir;
    private final Binaries binaries;
    private final CertManager certs;
    private final int port;
    private final int etcdPort;
    private final Path kubeconfig;
    private final KubernetesClient kube;
    private final Process etcd;
    private volatile Process apiServer;

    private StoppableApiServer(String name, Path dir, Binaries binaries, CertManager certs, int port, int etcdPort,
            Path kubeconfig, KubernetesClient kube, Process etcd) {
        this.name = name;
        this.dir = dir;
        this.binaries = binaries;
        this.certs = certs;
        this.port = port;
        this.etcdPort = etcdPort;
        this.kubeconfig = kubeconfig;
        this.kube = kube;
        this.etcd = etcd;
    }

    /** Starts etcd and the API server, and waits until the API server serves. */
    public static StoppableApiServer start(String name) throws IOException {
        KubeAPIServerConfig config = KubeAPIServerConfigBuilder.anAPIServerConfig().withApiServerVersion("1.20.2")
                .withUpdateKubeConfig(false).build();
        BinaryManager binaryManager = new BinaryManager(config);
        binaryManager.initAndDownloadIfRequired();
        CertManager certs = new CertManager(config.getKubeAPITestDir());
        certs.createCertificatesIfNeeded();
        Path dir = Files.createTempDirectory("stoppable-api-server");
        int etcdPort = TestController.freePort();
        int peerPort = TestController.freePort();
        Process etcd = launch(name + "-etcd", List.of(binaryManager.binaries().getEtcd().getAbsolutePath(),
                "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "default=http://127.0.0.1:" + peerPort));
        awaitEtcd(etcd, etcdPort);
        int port = TestController.freePort();
        String yaml = new KubeConfig(certs, binaryManager).generateKubeConfigYaml(port);
        Path kubeconfig = dir.resolve("kubeconfig.yaml");
        Files.writeString(kubeconfig, yaml);
        KubernetesClient kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
        StoppableApiServer server = new StoppableApiServer(name, dir, binaryManager.binaries(), certs, port, etcdPort,
                kubeconfig, kube, etcd);
        server.startApiServer();
        return server;
    }

    /** Starts the API server again (after {@link #stopApiServer()}), and waits until it serves. */
    public void startApiServer() throws IOException {
        apiServer = launch(name + "-kube-apiserver", List.of(binaries.getApiServer().getAbsolutePath(),
                "--bind-address", "127.0.0.1",
                "--secure-port", Integer.toString(port),
                "--insecure-port", "0",
                "--cert-dir", dir.resolve("cert-dir").toString(),
                "--tls-cert-file", certs.getAPIServerCertPath(),
                "--tls-private-key-file", certs.getAPIServerKeyPath(),
                "--client-ca-file", certs.getClientCertPath(),
                "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                "--authorization-mode", "RBAC",
                "--service-account-issuer", "https://localhost",
                "--service-account-signing-key-file", certs.getAPIServerKeyPath(),
                "--service-account-key-file", certs.getAPIServerKeyPath(),
                "--disable-admission-plugins", "ServiceAccount",
                "--service-cluster-ip-range", "10.0.0.0/24",
                "--allow-privileged"));
        Process started = apiServer;
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> !started.isAlive() || kube.namespaces().withName("default").get() != null);
        if (!started.isAlive()) {
            throw new IllegalStateException("kube-apiserver exited with " + started.exitValue() + ", see target/"
                    + name + "-kube-apiserver.log");
        }
    }

    /** Stops the API server as an outage would (SIGTERM); etcd keeps running with the data. */
    public void stopApiServer() throws InterruptedException {
        stop(apiServer);
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public KubernetesClient kube() {
        return kube;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        kube.close();
        stop(apiServer);
        stop(etcd);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static Process launch(String log, List<String> command) throws IOException {
        Path file = Path.of(System.getProperty("project.build.directory", "target"), log + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile())).start();
    }

    private static void awaitEtcd(Process etcd, int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> !etcd.isAlive()
                || http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        if (!etcd.isAlive()) {
            throw new IllegalStateException("etcd exited with " + etcd.exitValue());
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
