package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * pi-cli/release.sh: the krew manifest holds what krew requires and the archive's checksum, and the archive installs
 * as krew installs it (unpacked into store/pi/VERSION, bin/kubectl-pi a symlink to its launcher, plus the caveat's
 * link for completion); then the real kubectl finds and runs the plugin from there, with nothing of the repository on
 * the PATH, and the launcher builds the start-up cache by itself.
 */
class ReleaseIT {

    private static final Path ROOT = Path.of(System.getProperty("kubectl.pi.launcher", "../bin/kubectl-pi"))
            .toAbsolutePath().getParent().getParent();

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theManifestAndTheArchiveInstallAsKrewInstallsThem() throws Exception {
        Path dist = dir.resolve("dist");
        Result release = run(List.of(), ROOT.resolve("pi-cli/release.sh").toString(), "-o", dist.toString(),
                "--version", "1.2.3", "--base-url", "https://example.com/releases");
        assertThat(release.exit()).as(release.out()).isZero();
        Path archive = dist.resolve("kubectl-pi-v1.2.3.tar.gz");

        Map<String, Object> manifest = new Yaml().load(Files.readString(dist.resolve("pi.yaml")));
        assertThat(manifest).containsEntry("apiVersion", "krew.googlecontainertools.github.com/v1alpha2")
                .containsEntry("kind", "Plugin").containsEntry("metadata", Map.of("name", "pi"));
        Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
        assertThat(spec).containsEntry("version", "v1.2.3").containsKeys("homepage", "description");
        assertThat((String) spec.get("shortDescription")).isNotBlank().hasSizeLessThan(80);
        assertThat((String) spec.get("caveats")).contains("Java 17 or newer").contains("kubectl_complete-pi");
        List<Map<String, Object>> platforms = (List<Map<String, Object>>) spec.get("platforms");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
        List<String> selectors = new ArrayList<>();
        for (Map<String, Object> p : platforms) {
            Map<String, String> labels = (Map<String, String>) ((Map<String, Object>) p.get("selector")).get("matchLabels");
            selectors.add(labels.get("os") + "/" + labels.get("arch"));
            assertThat(p).containsEntry("uri", "https://example.com/releases/v1.2.3/kubectl-pi-v1.2.3.tar.gz")
                    .containsEntry("sha256", sha256).containsEntry("bin", "kubectl-pi")
                    .containsEntry("files", List.of(Map.of("from", "*", "to", ".")));
        }
        assertThat(selectors).containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64");

        // krew: the archive unpacked into its store, and a symlink in its bin directory.
        Path store = Files.createDirectories(dir.resolve("krew/store/pi/v1.2.3"));
        assertThat(run(List.of(), "tar", "-xzf", archive.toString(), "-C", store.toString()).exit()).isZero();
        try (Stream<Path> files = Files.list(store)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("LICENSE",
                    "kubectl-pi", "kubectl-pi.jar", "kubectl-pi-training.jar", "kubectl_complete-pi");
        }
        Path bin = Files.createDirectories(dir.resolve("krew/bin"));
        Files.createSymbolicLink(bin.resolve("kubectl-pi"), store.resolve("kubectl-pi"));
        Files.createSymbolicLink(bin.resolve("kubectl_complete-pi"), store.resolve("kubectl_complete-pi"));

        String path = "PATH=" + bin + File.pathSeparator + Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .filter(d -> !Files.exists(Path.of(d, "kubectl-pi"))).reduce((a, b) -> a + File.pathSeparator + b)
                .orElse("");
        Result help = run(List.of(path), "kubectl", "pi", "--help");
        assertThat(help.exit()).as(help.out()).isZero();
        assertThat(help.out()).contains("Usage: kubectl pi").contains("get").contains("extend");
        Result complete = run(List.of(path), "kubectl", "__complete", "pi", "ex");
        assertThat(complete.out()).contains("About to call: " + bin.resolve("kubectl_complete-pi"))
                .contains("\nextend\n:4\n");

        // The first runs had no cache: the launcher builds it next to the jar, in the background, once.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && (cache(store) == null || Files.exists(Path.of(cache(store) + ".lock")))) {
            Thread.sleep(500);
        }
        assertThat(cache(store)).as("a start-up cache in " + store).isNotNull();
    }

    /** The repository's krew index (plugins/pi.yaml, written by release.sh --index) matches what release.sh writes. */
    @Test
    void theRepositoryIsAKrewIndexOfTheCurrentRelease() throws Exception {
        Result release = run(List.of(), ROOT.resolve("pi-cli/release.sh").toString(), "-o", dir.toString());
        assertThat(release.exit()).as(release.out()).isZero();

        assertThat(withoutChecksums(Files.readString(ROOT.resolve("plugins/pi.yaml"))))
                .as("plugins/pi.yaml is release.sh --index's output; run it again")
                .isEqualTo(withoutChecksums(Files.readString(dir.resolve("pi.yaml"))));
    }

    /** The jar's bytes, so the archive's checksum, change with every build. */
    private static String withoutChecksums(String manifest) {
        return manifest.replaceAll("sha256: [0-9a-f]{64}", "sha256: ...");
    }

    private static Path cache(Path store) throws Exception {
        try (Stream<Path> files = Files.list(store)) {
            return files.filter(f -> f.getFileName().toString().matches("kubectl-pi\\.jdk\\d+\\.(aot|jsa)"))
                    .findFirst().orElse(null);
        }
    }

    record Result(int exit, String out) {
    }

    /** Runs a command (stdout and stderr together) without the repository's bin/ on the PATH. */
    private Result run(List<String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        for (String e : env) {
            pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
