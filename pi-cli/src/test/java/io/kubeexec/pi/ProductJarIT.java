package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the build ships: kubectl-pi.jar carries no private key and none of the start-up cache's training rig, which
 * is a jar of its own; and the launcher still makes a start-up cache from the two that a later run of the plugin
 * alone actually uses (a cache made with another class path would be refused without a word).
 */
class ProductJarIT {

    private static final Path JAR = Path.of(System.getProperty("kubectl.pi.jar", "target/kubectl-pi.jar"));
    private static final Path TRAINING_JAR = Path.of(System.getProperty("kubectl.pi.training.jar",
            "target/kubectl-pi-training.jar"));
    /** A PEM private key with its content, as a key file or a string in a class holds it. */
    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----\\s*[A-Za-z0-9+/]{64}");
    private static final Path LAUNCHER = Path.of(System.getProperty("kubectl.pi.launcher", "../bin/kubectl-pi"));

    @TempDir
    Path cacheDir;

    @Test
    void thePluginJarHoldsNoPrivateKeyAndNoTrainingRig() throws IOException {
        List<String> offending = new ArrayList<>();
        forEachEntry(JAR, (name, text) -> {
            if (PRIVATE_KEY.matcher(text).find() || name.startsWith("training/")
                    || name.startsWith("io/kubeexec/pi/training/") || name.matches(".*/Training[^/]*\\.class")) {
                offending.add(name);
            }
        });
        assertThat(offending).as("entries of " + JAR).isEmpty();
    }

    /**
     * The host-name check is the JDK's checker called directly (the jar's manifest exports it): its trust manager's
     * route would parse the whole cacerts file first (AnchorCertificates), 70 to 200 ms of a run here. The training
     * run makes real handshakes, with a CA of its own, as a kubeconfig's. Nor does HttpsURLConnection get the chance
     * to build the JDK's default SSL context (TrustStoreManager reads cacerts too): ApiClient sets its own factory
     * as the default first.
     */
    @Test
    void handshakesCheckTheHostNameWithoutReadingTheJdksCacerts() throws Exception {
        Path log = cacheDir.resolve("classes.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-jar", JAR.toString(), "__train", TRAINING_JAR.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        String classes = Files.readString(log);
        assertThat(classes).contains("sun.security.util.HostnameChecker ").contains("Tls$JdkIdentity ")
                .doesNotContain("sun.security.util.AnchorCertificates ")
                .doesNotContain("sun.security.ssl.TrustStoreManager ");
    }

    @Test
    void theTrainingJarHoldsTheRigAndItsThrowAwayKeys() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> withKeys = new ArrayList<>();
        forEachEntry(TRAINING_JAR, (name, text) -> {
            names.add(name);
            if (PRIVATE_KEY.matcher(text).find()) {
                withKeys.add(name);
            }
        });
        assertThat(names).contains("io/kubeexec/pi/training/Training.class",
                "io/kubeexec/pi/training/TrainingServer.class");
        assertThat(withKeys).containsExactlyInAnyOrder("training/server-key.pem", "training/client-key.pem",
                "training/client-ec-key.pem");
        assertThat(names).as("the rig is compiled against the plugin, not a copy of it")
                .noneMatch(n -> n.startsWith("io/kubeexec/pi/") && !n.startsWith("io/kubeexec/pi/training/")
                        && n.endsWith(".class"));
    }

    /**
     * The JDK running the tests (AppCDS on 17 to 24), and a JDK 25 or newer if one is installed where the launcher
     * looks for one (it prefers it, for its AOT cache).
     */
    static List<String> javaHomes() throws IOException {
        List<String> homes = new ArrayList<>(List.of(System.getProperty("java.home")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (var dirs = Files.list(jvms)) {
                dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && major(d) >= 25).sorted()
                        .reduce((a, b) -> b).ifPresent(d -> homes.add(d.toString()));
            }
        }
        return homes;
    }

    private static int major(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return Integer.parseInt(line.replaceAll("[^0-9.]", "").split("\\.")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no readable release file: not a JDK the launcher would pick either
        }
        return 0;
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void theLauncherMakesAStartUpCacheThatThePluginJarAloneUses(String javaHome) throws Exception {
        Run built = run(List.of(LAUNCHER.toString(), "--build-cache"), javaHome);
        assertThat(built.exit()).as(built.output()).isZero();
        List<Path> caches;
        try (var files = Files.list(cacheDir)) {
            caches = files.filter(p -> p.getFileName().toString().matches("kubectl-pi\\.jdk\\d+\\.(jsa|aot)"))
                    .toList();
        }
        assertThat(caches).hasSize(1);
        Path cache = caches.get(0);

        // The plugin as the launcher runs it, with the cache required: a refused cache is then an error.
        boolean aot = cache.toString().endsWith(".aot");
        Run used = run(List.of(javaHome + "/bin/java", aot ? "-XX:AOTMode=on" : "-Xshare:on",
                (aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + cache, "-Xlog:class+load=info",
                "-jar", JAR.toString(), "--version"), javaHome);
        assertThat(used.exit()).as(used.output()).isZero();
        assertThat(used.output()).contains("kubectl-pi 0.1.0")
                .containsPattern("io\\.kubeexec\\.pi\\.KubectlPi source: shared objects file");
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> command, String javaHome) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KUBECTL_PI_JAR", JAR.toAbsolutePath().toString());
        pb.environment().put("KUBECTL_PI_TRAINING_JAR", TRAINING_JAR.toAbsolutePath().toString());
        pb.environment().put("KUBECTL_PI_JAVA_HOME", javaHome);
        pb.environment().put("KUBECTL_PI_CACHE_DIR", cacheDir.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Run(p.exitValue(), output);
    }

    private interface EntryCheck {
        void accept(String name, String text);
    }

    /** Each entry's name and its bytes as ISO-8859-1 text (so a PEM header is found in any file, binary or not). */
    private static void forEachEntry(Path jar, EntryCheck check) throws IOException {
        assertThat(jar).as("built by mvn package").isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                try (InputStream in = file.getInputStream(e)) {
                    check.accept(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
        }
    }
}
