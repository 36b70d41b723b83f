package io.kubeexec.pi.kube;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to talk to one API server, resolved from the kubeconfig files, the flags and the environment
 * the way kubectl resolves them. Credentials that need work (files, exec plugins) are read only when connecting.
 */
public record ClientConfig(
        URI server,
        String namespace,
        boolean namespaceExplicit,
        byte[] certificateAuthorityData,
        Path certificateAuthorityFile,
        boolean insecureSkipTlsVerify,
        String tlsServerName,
        URI proxyUrl,
        byte[] clientCertificateData,
        Path clientCertificateFile,
        byte[] clientKeyData,
        Path clientKeyFile,
        String token,
        Path tokenFile,
        String username,
        String password,
        ExecConfig exec,
        String impersonateUser,
        List<String> impersonateGroups,
        Map<String, List<String>> impersonateExtra,
        Duration requestTimeout) {

    /** A {@code users[].user.exec} credential plugin. */
    public record ExecConfig(
            String command,
            List<String> args,
            Map<String, String> env,
            String apiVersion,
            String installHint,
            boolean provideClusterInfo,
            String interactiveMode,
            Object clusterExtension) {
    }
}
