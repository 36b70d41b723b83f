package io.kubeexec.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders the kustomize tree with the real {@code kubectl kustomize} (offline), as an operator would. The tree is
 * copied to a scratch directory first, where tests add overlays of their own (a component on the base), so a test
 * never writes in the working tree.
 */
final class Kustomize {

    /**
     * The kustomizations an operator can apply or build on. Components are rendered through production, or through
     * an overlay of their own test (cert-manager, mutual-tls).
     */
    static final List<String> TARGETS = List.of("base", "overlays/demo", "overlays/production");

    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();
    private static Path scratch;

    private Kustomize() {
    }

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("kustomize/base"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no kustomize/base above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path source() {
        return repoRoot().resolve("kustomize");
    }

    static String kubectl() {
        String fromEnv = System.getenv("KUBECTL");
        return fromEnv == null || fromEnv.isBlank() ? "kubectl" : fromEnv;
    }

    /**
     * A kustomization of the base with one component ({@code components/NAME}), written into the scratch tree;
     * returns its target name for {@link #render} and {@code Controller.in}.
     */
    static String baseWith(String component) {
        String target = "base-with-" + component;
        Path dir = tree().resolve(target);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources: [../base]
                    components: [../components/%s]
                    """.formatted(component));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The multi-document YAML that {@code kubectl kustomize <target>} prints. */
    static String render(String target) {
        return RENDERED.computeIfAbsent(target, t -> {
            Result result = run(List.of(kubectl(), "kustomize", tree().resolve(t).toString()), null);
            if (result.exitCode != 0) {
                throw new AssertionError("kubectl kustomize " + t + " failed (" + result.exitCode + "):\n" + result.stderr);
            }
            return result.stdout;
        });
    }

    /** A scratch copy of kustomize/, where tests add overlays of their own. */
    static synchronized Path tree() {
        if (scratch == null) {
            try {
                Path dir = Files.createTempDirectory("kustomize-render");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        deleteRecursively(dir);
                    } catch (IOException e) {
                        // a scratch directory left in the temp dir is harmless
                    }
                }));
                copy(source().toRealPath(), dir.resolve("kustomize"));
                scratch = dir.resolve("kustomize");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result run(List<String> command, Path workDir) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            Path out = Files.createTempFile("cmd", ".out");
            Path err = Files.createTempFile("cmd", ".err");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            java.util.Collections.reverse(all);
            for (Path path : all) {
                Files.delete(path);
            }
        }
    }
}
