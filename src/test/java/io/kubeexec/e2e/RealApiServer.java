package io.kubeexec.e2e;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real kube-apiserver v1.20.2 and etcd (from {@code KUBE_API_TEST_DIR}), with a kubeconfig file for kubectl and
 * the controller, and a client for arranging and checking.
 */
public final class RealApiServer implements AutoCloseable {

    private final KubeAPIServer apiServer;
    private final Path kubeconfig;
    private final KubernetesClient kube;

    private RealApiServer(KubeAPIServer apiServer, Path kubeconfig, KubernetesClient kube) {
        this.apiServer = apiServer;
        this.kubeconfig = kubeconfig;
        this.kube = kube;
    }

    public static RealApiServer start() throws IOException {
        return start(Map.of());
    }

    /** With extra kube-apiserver flags, e.g. {@code --admission-control-config-file}. */
    public static RealApiServer start(Map<String, String> flags) throws IOException {
        KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion("1.20.2").withUpdateKubeConfig(false);
        flags.forEach(config::withApiServerFlag);
        KubeAPIServer apiServer = new KubeAPIServer(config.build());
        apiServer.start();
        Path kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
        Files.writeString(kubeconfig, apiServer.getKubeConfigYaml());
        KubernetesClient kube = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml())).build();
        return new RealApiServer(apiServer, kubeconfig, kube);
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public KubernetesClient kube() {
        return kube;
    }

    @Override
    public void close() throws IOException {
        kube.close();
        apiServer.stop();
        Files.deleteIfExists(kubeconfig);
    }
}
