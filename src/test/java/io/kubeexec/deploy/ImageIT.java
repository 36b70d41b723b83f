package io.kubeexec.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubeexec.e2e.Command;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image the "image" profile builds (Jib, then the AppCDS training run inside it, then Jib again with the archive):
 * read from its OCI tarball, started the way the Deployment runs it, and rebuilt from the same sources.
 */
class ImageIT {

    private static final Path ROOT = Kustomize.repoRoot();
    private static final Path BUILD = Path.of(System.getProperty("project.build.directory", ROOT.resolve("target").toString()));
    /** Jib's fixed file time, so that layers do not depend on when the files were built or copied. */
    private static final Instant JIB_FILE_TIME = Instant.ofEpochSecond(1);

    private static OciImage image;
    private static OciImage training;

    @BeforeAll
    static void readImages() throws IOException {
        image = OciImage.read(Path.of(System.getProperty("image.tar", BUILD.resolve("jib-image.tar").toString())));
        training = OciImage.read(Path.of(System.getProperty("image.training.tar",
                BUILD.resolve("image/training.tar").toString())));
    }

    @Test
    void runsAsTheNumericNonRootUserOfTheDeployment() {
        PodSecurityContext pod = Controller.in("base").pod().getSecurityContext();
        String user = image.config().path("config").path("User").asText();
        assertThat(user).as("numeric, so that the kubelet can verify runAsNonRoot")
                .isEqualTo(pod.getRunAsUser() + ":" + pod.getRunAsGroup()).doesNotStartWith("0:");
        assertThat(image.text("etc/passwd").lines())
                .contains("kec:x:" + pod.getRunAsUser() + ":" + pod.getRunAsGroup()
                        + ":kube-exec-controller:/nonexistent:/usr/sbin/nologin");
        assertThat(image.text("etc/group").lines()).contains("kec:x:" + pod.getRunAsGroup() + ":");
        assertThat(image.fileSystem()).as("no shell to log in with").doesNotContainKeys("bin/sh", "usr/bin/sh",
                "bin/bash", "usr/sbin/nologin");
    }

    @Test
    void startsTheJvmWithTheLaunchersFlagsAndItsClassDataArchive() throws IOException {
        String launcher = Files.readString(ROOT.resolve("bin/kube-exec-controller"));
        List<String> expected = new ArrayList<>(List.of("java"));
        expected.addAll(words(launcher, "default_opts=\"([^\"]+)\""));
        // The launcher's archive options, with the archive where the image keeps it.
        expected.addAll(words(launcher, "cds=\"([^\"]+)\"").stream()
                .map(w -> w.replace("$archive", "/app/kube-exec-controller.jsa")).toList());
        expected.addAll(List.of("-cp", "@/app/jib-classpath-file", mainClassOfTheJar()));
        assertThat(image.entrypoint()).isEqualTo(expected);
        // The port the image listens on when run without flags (-port's default); the manifests pass -port=10250.
        Properties defaults = new Properties();
        defaults.load(Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties")));
        assertThat(image.config().path("config").path("ExposedPorts").has(defaults.getProperty("port") + "/tcp"))
                .as("ExposedPorts %s", image.config().path("config").path("ExposedPorts")).isTrue();
    }

    @Test
    void carriesTheControllerJarWithTheBuiltInRoutesAndEveryDependency() throws IOException {
        Map<String, Long> libs = new TreeMap<>();
        try (Stream<Path> files = Files.list(BUILD.resolve("lib"))) {
            for (Path lib : files.toList()) {
                libs.put("app/libs/" + lib.getFileName(), Files.size(lib));
            }
        }
        Map<String, Long> imageLibs = image.fileSystem().values().stream()
                .filter(e -> e.path().startsWith("app/libs/") && !e.directory())
                .collect(Collectors.toMap(OciImage.Entry::path, OciImage.Entry::size, (a, b) -> b, TreeMap::new));
        assertThat(imageLibs).isEqualTo(libs).hasSizeGreaterThan(50);

        List<String> classPath = Arrays.asList(image.text("app/jib-classpath-file").strip().split(":"));
        assertThat(classPath).startsWith("/app/classpath/*");
        assertThat(new TreeSet<>(classPath.subList(1, classPath.size())))
                .isEqualTo(libs.keySet().stream().map(l -> "/" + l).collect(Collectors.toCollection(TreeSet::new)));

        Map<String, String> routes = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("routes"))) {
            for (Path route : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                routes.put("routes/" + route.getFileName(), Files.readString(route));
            }
        }
        Map<String, String> routesInJar = new TreeMap<>();
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(image.file(jarPath())))) {
            for (var entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                if (entry.getName().matches("routes/[^/]+\\.camel\\.yaml")) {
                    routesInJar.put(entry.getName(), new String(jar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(routesInJar).as("the built-in routes, as in routes/").isEqualTo(routes).isNotEmpty();
    }

    @Test
    void labelsNameTheProjectItsVersionRevisionAndLicence() throws IOException {
        JsonNode labels = image.config().path("config").path("Labels");
        Properties pom = new Properties();
        try (var in = Files.newInputStream(BUILD.resolve("maven-archiver/pom.properties"))) {
            pom.load(in);
        }
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo(ControllerInterface.NAME);
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(pom.getProperty("version"));
        String revision = System.getProperty("image.revision", "unknown");
        assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo(revision);
        if (!revision.equals("unknown")) {
            assertThat(revision).as("a git commit").matches("[0-9a-f]{40}");
        }
        assertThat(labels.path("org.opencontainers.image.licenses").asText()).isEqualTo("Apache-2.0");
        assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
    }

    @Test
    void theImageUserCanWriteOnlyTmpWhichTheDeploymentMountsAsAnEmptyDir() {
        PodSecurityContext pod = Controller.in("base").pod().getSecurityContext();
        List<String> writable = image.fileSystem().values().stream().filter(e -> e.linkTarget() == null)
                .filter(e -> e.writableBy(pod.getRunAsUser(), pod.getRunAsGroup())).map(OciImage.Entry::path).toList();
        assertThat(writable).containsExactly("tmp");
        assertThat(image.fileSystem().get("tmp")).satisfies(tmp -> {
            assertThat(tmp.directory()).isTrue();
            assertThat(tmp.mode()).as("sticky and world-writable, as a /tmp is").isEqualTo(01777);
        });
        Controller controller = Controller.in("base");
        Container container = controller.container();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        String tmpVolume = controller.mountAt("/tmp").getName();
        assertThat(controller.pod().getVolumes()).filteredOn(v -> v.getName().equals(tmpVolume))
                .singleElement().extracting(Volume::getEmptyDir).isNotNull();
    }

    @Test
    void theJavaRuntimeHasEveryModuleTheJarsNeed() throws IOException {
        String javaHome = image.env("JAVA_HOME").orElseThrow(() -> new AssertionError("the image sets no JAVA_HOME"));
        Matcher modules = Pattern.compile("(?m)^MODULES=\"([^\"]*)\"").matcher(image.text(javaHome.substring(1) + "/release"));
        assertThat(modules.find()).as("MODULES in the runtime's release file").isTrue();
        Set<String> present = Set.of(modules.group(1).split(" "));

        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        Command command = Command.run(List.of(jdeps.toString(), "--print-module-deps", "--ignore-missing-deps",
                        "--multi-release", "17", "-q", "--class-path", BUILD.resolve("lib") + "/*",
                        BUILD.resolve("kube-exec-controller.jar").toString()),
                Map.of(), Duration.ofMinutes(3));
        assertThat(command.exitCode()).as(command.stderr()).isZero();
        List<String> needed = new ArrayList<>(List.of(command.stdout().strip().split(",")));
        // TLS finds the EC algorithms as a security provider, which jdeps cannot see.
        needed.add("jdk.crypto.ec");
        assertThat(present).containsAll(needed);
    }

    @Test
    void startsOnAReadOnlyRootAsItsUserAndMapsItsClassDataArchive() {
        Command ready = Command.run(List.of(ROOT.resolve("tools/image-cds.sh").toString(), "ready",
                        System.getProperty("image.tar", BUILD.resolve("jib-image.tar").toString()), "-Xshare:on", "-Xlog:cds"),
                Map.of(), Duration.ofMinutes(5));
        assertThat(ready.exitCode()).as(ready.stdout() + ready.stderr()).isZero();
        PodSecurityContext pod = Controller.in("base").pod().getSecurityContext();
        assertThat(ready.stdout()).containsPattern("ready in \\d+ ms \\(CPU \\d+ ms\\) as uid:gid "
                + pod.getRunAsUser() + ":" + pod.getRunAsGroup() + ",");
        assertThat(ready.stderr()).contains("Mapped dynamic region", "trying to map /app/kube-exec-controller.jsa");
    }

    @Test
    void theClassDataArchivesAreOneLastLayerOnTopOfTheTrainingImage() {
        List<String> layers = image.layers().stream().map(OciImage.Layer::digest).toList();
        List<String> trainingLayers = training.layers().stream().map(OciImage.Layer::digest).toList();
        assertThat(layers).hasSize(trainingLayers.size() + 1).startsWith(trainingLayers.toArray(String[]::new));

        OciImage.Layer last = image.layers().get(image.layers().size() - 1);
        String javaHome = image.env("JAVA_HOME").orElseThrow().substring(1);
        assertThat(last.entries()).filteredOn(e -> !e.directory()).extracting(OciImage.Entry::path)
                .contains("app/kube-exec-controller.jsa").allMatch(p -> p.endsWith(".jsa"));
        assertThat(image.fileSystem()).as("the JDK's own archive, on which the application's builds")
                .containsKey(javaHome + "/lib/server/classes.jsa");
        assertThat(image.fileSystem().get("app/kube-exec-controller.jsa").size()).isGreaterThan(1_000_000);

        // Apart from that layer the two configurations are the same.
        assertThat(withoutLastLayer(image.config())).isEqualTo(training.config());
    }

    @Test
    void everyFileHasAFixedTimeAndOwnerSoTheLayersDependOnlyOnTheirContent() {
        for (OciImage.Layer layer : image.layers()) {
            assertThat(layer.entries()).as(layer.digest()).allSatisfy(e -> {
                assertThat(e.uid()).as(e.path()).isZero();
                assertThat(e.gid()).as(e.path()).isZero();
                assertThat(e.modified()).as(e.path()).isIn(Instant.EPOCH, JIB_FILE_TIME);
            });
        }
        assertThat(image.config().path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
    }

    /**
     * A second build from scratch (its own build directory and Jib cache) gives the same image up to the class-data
     * layer: JDK 17 does not write CDS archives deterministically, which is why they are a layer of their own.
     */
    @Test
    void theSameSourcesBuildTheSameImageUpToTheClassDataLayer() throws IOException {
        Path rebuild = Files.createTempDirectory("image-rebuild");
        try {
            Command build = Command.run(List.of("mvn", "-B", "-ntp", "-q", "-o", "-Pimage", "package", "-DskipTests",
                            "-Dbuild.dir=" + rebuild, "-Dimage.base=" + System.getProperty("image.base"),
                            "-Dimage.revision=" + System.getProperty("image.revision", "unknown"), "-f",
                            ROOT.resolve("pom.xml").toString()),
                    Map.of(), Duration.ofMinutes(15));
            assertThat(build.exitCode()).as(build.stdout() + build.stderr()).isZero();
            OciImage again = OciImage.read(rebuild.resolve("image/training.tar"));
            assertThat(again.layers()).extracting(OciImage.Layer::digest)
                    .isEqualTo(training.layers().stream().map(OciImage.Layer::digest).toList());
            assertThat(again.digest()).isEqualTo(training.digest());
        } finally {
            try (Stream<Path> files = Files.walk(rebuild)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static JsonNode withoutLastLayer(JsonNode config) {
        ObjectNode copy = config.deepCopy();
        ArrayNode diffIds = (ArrayNode) copy.path("rootfs").path("diff_ids");
        diffIds.remove(diffIds.size() - 1);
        ArrayNode history = (ArrayNode) copy.path("history");
        history.remove(history.size() - 1);
        return copy;
    }

    private static String jarPath() {
        return "app/classpath/kube-exec-controller.jar";
    }

    private static String mainClassOfTheJar() throws IOException {
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(image.file(jarPath())))) {
            return jar.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    private static List<String> words(String script, String assignment) {
        Matcher m = Pattern.compile("(?m)^\\s*" + assignment).matcher(script);
        assertThat(m.find()).as("bin/kube-exec-controller sets " + assignment).isTrue();
        return List.of(m.group(1).trim().split("\\s+"));
    }
}
