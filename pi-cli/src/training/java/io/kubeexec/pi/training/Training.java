package io.kubeexec.pi.training;

import io.kubeexec.pi.Io;
import io.kubeexec.pi.KubectlPi;
import io.kubeexec.pi.kube.Pem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The training run behind the start-up cache ({@code kubectl-pi __train RIG_JAR}, started by the launcher): it runs
 * the real commands end to end against a small TLS server on 127.0.0.1 with throw-away certificates
 * ({@link TrainingServer}, in a second JVM), so that the AOT/CDS cache holds what a real run loads (kubeconfig, PEM,
 * TLS 1.3 with a client certificate, HTTP, JSON, every output format) without ever contacting a cluster or changing
 * anything. It lives in its own jar (kubectl-pi-training.jar, next to kubectl-pi.jar), never in the plugin's: it
 * carries private keys, and the plugin loads it only for this run.
 */
public final class Training {

    private Training() {
    }

    /** Called by {@code KubectlPi} through the rig's class loader; 0 when every command ran. */
    public static int run() throws Exception {
        // The server runs in its own JVM: its classes (server-side TLS, key managers) would otherwise go into the
        // cache, and every run loads every class of the cache at start-up. It needs only this jar.
        String java = ProcessHandle.current().info().command().orElse("java");
        String rig = Path.of(Training.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process server = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", rig,
                TrainingServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path dir = Files.createTempDirectory("kubectl-pi-training");
        Path kubeconfig = dir.resolve("config");
        try {
            String portLine = new BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            if (portLine == null) {
                throw new IOException("the training server did not start");
            }
            Files.writeString(kubeconfig, kubeconfig(Integer.parseInt(portLine.trim())));
            String k = kubeconfig.toString();
            String[][] runs = {
                {"get", "--kubeconfig", k},
                {"get", "--kubeconfig", k, "-A", "-o", "wide"},
                {"get", "--kubeconfig", k, "-o", "json", "web-0", "missing"},
                {"get", "--kubeconfig", k, "-o", "yaml", "-n", "default"},
                {"get", "--kubeconfig", k, "-o", "jsonpath={range .items[*]}{.name}{\"\\n\"}{end}"},
                {"get", "--kubeconfig", k, "-o", "custom-columns=POD:.name,USER:.interactions[*].user"},
                {"extend", "--kubeconfig", k, "-d", "1d", "-y", "web-1", "web-0", "db"},
                {"extend", "--kubeconfig", k, "web-1"},
                {"get", "--help"},
                {"get", "--kubeconfig", k, "--context", "rsa8", "web-0"},
                {"get", "--kubeconfig", k, "--context", "ec", "web-0"},
                {"get", "--kubeconfig", k, "--context", "token", "web-0"},
            };
            for (String[] args : runs) {
                PrintWriter sink = new PrintWriter(Writer.nullWriter());
                KubectlPi.run(args, new Io(sink, sink, new BufferedReader(new StringReader("y\n"))));
            }
        } finally {
            server.destroy();
            server.waitFor();
            Files.deleteIfExists(kubeconfig);
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    /**
     * One cluster and the client credentials kubeconfigs hold most: RSA keys in PKCS#1 (kubeadm, kind, minikube)
     * and PKCS#8, EC keys (k3s), and bearer tokens (what exec plugins of managed clusters return).
     */
    private static String kubeconfig(int port) throws IOException {
        String rsa8 = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                Pem.privateKey(TrainingServer.resource("client-key.pem"), "training").getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String[][] users = {
            {"training", "client-certificate-data: " + b64("client.pem") + "\n    client-key-data: "
                    + b64("client-key.pem")},
            {"rsa8", "client-certificate-data: " + b64("client.pem") + "\n    client-key-data: "
                    + Base64.getEncoder().encodeToString(rsa8.getBytes(StandardCharsets.US_ASCII))},
            {"ec", "client-certificate-data: " + b64("client-ec.pem") + "\n    client-key-data: "
                    + b64("client-ec-key.pem")},
            {"token", "token: training-token"},
        };
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n- name: training\n  cluster:\n"
                + "    server: https://127.0.0.1:" + port + "\n"
                + "    certificate-authority-data: " + b64("ca.pem") + "\nusers:\n");
        for (String[] u : users) {
            y.append("- name: ").append(u[0]).append("\n  user:\n    ").append(u[1]).append('\n');
        }
        y.append("contexts:\n");
        for (String[] u : users) {
            y.append("- name: ").append(u[0]).append("\n  context:\n    cluster: training\n    user: ").append(u[0])
                    .append("\n    namespace: default\n");
        }
        return y.append("current-context: training\n").toString();
    }

    private static String b64(String name) throws IOException {
        return Base64.getEncoder().encodeToString(TrainingServer.resource(name));
    }
}
