package io.kubeexec.pi.kube;

import io.kubeexec.pi.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@code client.authentication.k8s.io} exec credential plugin (kubelogin, aws, gke-gcloud-auth-plugin, ...)
 * the way client-go does and returns the token or client certificate it prints.
 */
public final class ExecCredentials {

    /** What the plugin returned: a bearer token, or PEM client certificate and key. */
    public record Result(String token, byte[] clientCertificateData, byte[] clientKeyData) {
    }

    private ExecCredentials() {
    }

    public static Result run(ClientConfig.ExecConfig exec, ClientConfig config, boolean stdinIsTerminal) {
        String mode = exec.interactiveMode() == null || exec.interactiveMode().isEmpty()
                ? (exec.apiVersion().endsWith("/v1") ? "" : "IfAvailable") : exec.interactiveMode();
        if (mode.isEmpty()) {
            throw new KubeException("invalid configuration: exec plugin \"" + exec.command()
                    + "\" of apiVersion " + exec.apiVersion() + " needs interactiveMode");
        }
        boolean interactive = !mode.equals("Never") && stdinIsTerminal;
        if (mode.equals("Always") && !stdinIsTerminal) {
            throw new KubeException("exec plugin \"" + exec.command()
                    + "\" needs an interactive terminal (interactiveMode: Always), but stdin is not one");
        }
        List<String> command = new ArrayList<>(List.of(exec.command()));
        command.addAll(exec.args());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(exec.env());
        pb.environment().put("KUBERNETES_EXEC_INFO", Json.write(execInfo(exec, config, interactive)));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectInput(interactive ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE);
        String out;
        int exit;
        try {
            Process p = pb.start();
            if (!interactive) {
                p.getOutputStream().close();
            }
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            exit = p.waitFor();
        } catch (IOException e) {
            String hint = exec.installHint() == null || exec.installHint().isEmpty() ? "" : "\n\n" + exec.installHint();
            throw new KubeException("exec: executable " + exec.command() + " not found" + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException("exec plugin \"" + exec.command() + "\" interrupted", e);
        }
        if (exit != 0) {
            throw new KubeException("getting credentials: exec: executable " + exec.command()
                    + " failed with exit code " + exit);
        }
        return parse(out, exec);
    }

    static Map<String, Object> execInfo(ClientConfig.ExecConfig exec, ClientConfig config, boolean interactive) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("interactive", interactive);
        if (exec.provideClusterInfo()) {
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("server", config.server().toString());
            if (config.tlsServerName() != null) {
                cluster.put("tls-server-name", config.tlsServerName());
            }
            if (config.insecureSkipTlsVerify()) {
                cluster.put("insecure-skip-tls-verify", true);
            }
            byte[] ca = Tls.caBytes(config);
            if (ca != null) {
                cluster.put("certificate-authority-data", Base64.getEncoder().encodeToString(ca));
            }
            if (config.proxyUrl() != null) {
                cluster.put("proxy-url", config.proxyUrl().toString());
            }
            if (exec.clusterExtension() != null) {
                cluster.put("config", exec.clusterExtension());
            }
            spec.put("cluster", cluster);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("kind", "ExecCredential");
        info.put("apiVersion", exec.apiVersion());
        info.put("spec", spec);
        return info;
    }

    static Result parse(String out, ClientConfig.ExecConfig exec) {
        Map<String, Object> credential;
        try {
            credential = Json.parseObject(out);
        } catch (IllegalArgumentException e) {
            throw new KubeException("exec plugin \"" + exec.command() + "\" printed no ExecCredential: " + e.getMessage());
        }
        if (!exec.apiVersion().equals(credential.get("apiVersion"))) {
            throw new KubeException("exec plugin \"" + exec.command() + "\" returned apiVersion "
                    + credential.get("apiVersion") + ", expected " + exec.apiVersion());
        }
        if (!(credential.get("status") instanceof Map<?, ?> s)) {
            throw new KubeException("exec plugin \"" + exec.command() + "\" returned an ExecCredential without status");
        }
        String token = (String) s.get("token");
        String cert = (String) s.get("clientCertificateData");
        String key = (String) s.get("clientKeyData");
        if ((cert == null) != (key == null)) {
            throw new KubeException("exec plugin \"" + exec.command()
                    + "\" returned only one of clientCertificateData and clientKeyData");
        }
        if ((token == null || token.isEmpty()) && cert == null) {
            throw new KubeException("exec plugin \"" + exec.command() + "\" returned neither a token nor a certificate");
        }
        return new Result(token, cert == null ? null : cert.getBytes(StandardCharsets.US_ASCII),
                key == null ? null : key.getBytes(StandardCharsets.US_ASCII));
    }
}
