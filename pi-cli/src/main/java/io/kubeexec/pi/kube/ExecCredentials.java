package io.kubeexec.pi.kube;

import io.kubeexec.pi.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
        if (mode.equals("Always") && !stdinIsTerminal) {
            throw failure(exec, "needs an interactive terminal (interactiveMode: Always), but stdin is not one");
        }
        boolean interactive = !mode.equals("Never") && stdinIsTerminal;
        List<String> command = new ArrayList<>(List.of(exec.command()));
        command.addAll(exec.args());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(interactive ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(exec.env());
        pb.environment().put("KUBERNETES_EXEC_INFO", Json.write(execInfo(exec, config, interactive)));
        try {
            Process p = pb.start();
            if (!interactive) {
                p.getOutputStream().close();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new KubeException("getting credentials: exec: executable " + exec.command()
                        + " failed with exit code " + p.exitValue());
            }
            return parse(out, exec);
        } catch (IOException e) {
            String hint = exec.installHint() == null || exec.installHint().isEmpty() ? "" : "\n\n" + exec.installHint();
            throw new KubeException("exec: executable " + exec.command() + " not found" + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException("exec plugin \"" + exec.command() + "\" interrupted", e);
        }
    }

    static Map<String, Object> execInfo(ClientConfig.ExecConfig exec, ClientConfig config, boolean interactive) {
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("interactive", interactive));
        if (exec.provideClusterInfo()) {
            byte[] ca = Tls.caBytes(config);
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("server", config.server().toString());
            cluster.put("tls-server-name", config.tlsServerName());
            cluster.put("insecure-skip-tls-verify", config.insecureSkipTlsVerify() ? true : null);
            cluster.put("certificate-authority-data", ca == null ? null : Base64.getEncoder().encodeToString(ca));
            cluster.put("proxy-url", config.proxyUrl() == null ? null : config.proxyUrl().toString());
            cluster.put("config", exec.clusterExtension());
            cluster.values().removeIf(Objects::isNull); // unset: left out
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
            throw failure(exec, "printed no ExecCredential: " + e.getMessage());
        }
        if (!exec.apiVersion().equals(credential.get("apiVersion"))) {
            throw failure(exec, "returned apiVersion " + credential.get("apiVersion") + ", expected "
                    + exec.apiVersion());
        }
        if (!(credential.get("status") instanceof Map<?, ?> s)) {
            throw failure(exec, "returned an ExecCredential without status");
        }
        String token = (String) s.get("token");
        String cert = (String) s.get("clientCertificateData");
        String key = (String) s.get("clientKeyData");
        if ((cert == null) != (key == null)) {
            throw failure(exec, "returned only one of clientCertificateData and clientKeyData");
        }
        if ((token == null || token.isEmpty()) && cert == null) {
            throw failure(exec, "returned neither a token nor a certificate");
        }
        return new Result(token, cert == null ? null : cert.getBytes(StandardCharsets.US_ASCII),
                key == null ? null : key.getBytes(StandardCharsets.US_ASCII));
    }

    private static KubeException failure(ClientConfig.ExecConfig exec, String what) {
        return new KubeException("exec plugin \"" + exec.command() + "\" " + what);
    }
}
