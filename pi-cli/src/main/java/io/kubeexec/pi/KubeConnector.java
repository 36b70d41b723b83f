package io.kubeexec.pi;

import io.kubeexec.pi.kube.ApiClient;
import io.kubeexec.pi.kube.ClientConfig;
import io.kubeexec.pi.kube.ConnectionFlags;
import io.kubeexec.pi.kube.KubeConfigLoader;
import io.kubeexec.pi.kube.PodApi;

/** The real connector: kubeconfig files, flags and environment, then HTTPS to the API server. */
public final class KubeConnector implements Connector {

    @Override
    public Connection connect(ConnectionFlags flags) {
        Trace.mark("arguments parsed");
        ClientConfig config = KubeConfigLoader.system().load(flags);
        Trace.mark("kubeconfig loaded");
        ApiClient client = new ApiClient(config, System::getenv, System.console() != null);
        PodApi pods = new PodApi(client);
        return new Connection() {
            @Override
            public String namespace() {
                return config.namespace();
            }

            @Override
            public Pods pods() {
                return pods;
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
