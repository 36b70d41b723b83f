package io.kubeexec.pi.kube;

import java.time.Duration;
import java.util.List;

/**
 * kubectl's connection flags as given on the command line; {@code null} means "not given", so the kubeconfig
 * decides.
 */
public record ConnectionFlags(
        String kubeconfig,
        String context,
        String cluster,
        String user,
        String server,
        String token,
        String namespace,
        String certificateAuthority,
        String clientCertificate,
        String clientKey,
        Boolean insecureSkipTlsVerify,
        String tlsServerName,
        String as,
        List<String> asGroups,
        Duration requestTimeout) {

    public static ConnectionFlags none() {
        return new ConnectionFlags(null, null, null, null, null, null, null, null, null, null, null, null, null,
                List.of(), null);
    }
}
