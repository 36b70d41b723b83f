package io.kubeexec.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeexec.e2e.Command;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-node cluster of {@code tools/cluster.sh}, with a real kubelet and containerd, inside its own network
 * namespace. Everything that talks to it runs in that namespace through {@code tools/cluster.sh exec}: the API
 * server, the pods and the controller are never reachable from anywhere else.
 */
final class LocalCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final Path dir;

    private LocalCluster(String name, Map<String, String> options) {
        this.dir = Path.of("/tmp/kube-exec-cluster-" + name);
        Map<String, String> all = new java.util.HashMap<>(options);
        all.put("CLUSTER_NAME", name);
        all.put("CLUSTER_DIR", dir.toString());
        this.env = Map.copyOf(all);
    }

    /** Starts the cluster named {@code name} (a stale one of that name is stopped first). */
    static LocalCluster up(String name) {
        return up(name, Map.of());
    }

    /**
     * The same, with tools/cluster.sh's options ({@code CLUSTER_QUOTA_ADMISSION}, {@code CLUSTER_APISERVER_TO_PODS}:
     * the managed-cluster traps it emulates).
     */
    static LocalCluster up(String name, Map<String, String> options) {
        LocalCluster cluster = new LocalCluster(name, options);
        cluster.script(Duration.ofMinutes(5), "down");
        Command up = cluster.script(Duration.ofMinutes(20), "up");
        if (up.exitCode() != 0) {
            throw new IllegalStateException("tools/cluster.sh up failed:\n" + up.stderr());
        }
        return cluster;
    }

    /** An image tarball into the cluster's containerd; returns the names it answers to. */
    List<String> importImage(Path image) {
        Command imported = script(Duration.ofMinutes(3), "import", image.toAbsolutePath().toString());
        if (imported.exitCode() != 0) {
            throw new IllegalStateException("tools/cluster.sh import failed:\n" + imported.stderr());
        }
        return imported.stdout().lines().toList();
    }

    /** {@code make deploy}'s script: the image imported, {@code kubectl apply -k overlay}, the rollout awaited. */
    void deploy(Path overlay, Path image) {
        Map<String, String> deployEnv = new java.util.HashMap<>(env);
        deployEnv.put("OVERLAY", overlay.toAbsolutePath().toString());
        deployEnv.put("IMAGE_TAR", image.toAbsolutePath().toString());
        Command deployed = Command.run(List.of("tools/deploy.sh"), deployEnv, Duration.ofMinutes(6));
        if (deployed.exitCode() != 0) {
            throw new IllegalStateException("tools/deploy.sh failed:\n" + deployed.stderr());
        }
    }

    /** {@code kubectl ARGS} against the cluster; the repository's bin/ is on the PATH, so {@code kubectl pi} works. */
    Command kubectl(String... args) {
        return kubectl(Duration.ofSeconds(90), args);
    }

    Command kubectl(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("exec", "kubectl"));
        command.addAll(List.of(args));
        return script(timeout, command.toArray(String[]::new));
    }

    /** {@code kubectl ARGS -o json}, parsed; a failed call throws with kubectl's own words. */
    JsonNode json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-o", "json"));
        Command get = kubectl(all.toArray(String[]::new));
        if (get.exitCode() != 0) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + ": " + get.stderr());
        }
        try {
            return JSON.readTree(get.stdout());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command, once it has exited 0; otherwise the test fails with its output. */
    static Command ok(Command command) {
        assertThat(command.exitCode()).as(command.stdout() + command.stderr()).isZero();
        return command;
    }

    /** Any command inside the cluster's network namespace, with its KUBECONFIG. */
    Command inside(Duration timeout, String... command) {
        List<String> args = new ArrayList<>(List.of("exec"));
        args.addAll(List.of(command));
        return script(timeout, args.toArray(String[]::new));
    }

    /** The process id of one of the cluster's components (kube-apiserver, kubelet...), from its pid file. */
    long pid(String component) throws java.io.IOException {
        return Long.parseLong(java.nio.file.Files.readString(dir.resolve("run/" + component + ".pid")).trim());
    }

    @Override
    public void close() {
        Command down = script(Duration.ofMinutes(5), "down");
        if (down.exitCode() != 0) {
            throw new IllegalStateException("tools/cluster.sh down failed:\n" + down.stderr());
        }
    }

    private Command script(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("tools/cluster.sh"));
        command.addAll(List.of(args));
        return Command.run(command, env, timeout);
    }
}
