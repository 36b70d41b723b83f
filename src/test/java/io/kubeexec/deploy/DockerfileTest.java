package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image cannot be built on this machine (no container engine), so the Dockerfile is checked by reading: it
 * agrees with the Maven build, the .dockerignore allow-list and the Deployment that runs it.
 */
class DockerfileTest {

    private final Path root = Kustomize.repoRoot();

    @Test
    void runsAsTheNonRootUserTheDeploymentExpects() throws IOException {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile());
        assertThat(user.find()).as("a numeric USER uid:gid, so runAsNonRoot can be verified").isTrue();
        PodSecurityContext pod = Controller.in("base").pod().getSecurityContext();
        assertThat(Long.parseLong(user.group(1))).isPositive().isEqualTo(pod.getRunAsUser());
        assertThat(Long.parseLong(user.group(2))).isEqualTo(pod.getRunAsGroup());
        assertThat(dockerfile()).contains("useradd --system --uid " + user.group(1));
    }

    @Test
    void buildsOnAJdk17AndRunsOnAJre17() throws IOException {
        assertThat(dockerfile()).contains("ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17")
                .contains("ARG RUNTIME_IMAGE=eclipse-temurin:17-jre")
                .contains("FROM ${BUILD_IMAGE} AS build").contains("FROM ${RUNTIME_IMAGE}\n");
    }

    @Test
    void runsTheJarMavenBuildsWithItsLibNextToIt() throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        assertThat(pom).contains("<finalName>kube-exec-controller</finalName>")
                .contains("<classpathPrefix>lib/</classpathPrefix>")
                .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
        assertThat(dockerfile())
                .contains("COPY --from=build /build/target/kube-exec-controller.jar /opt/kube-exec-controller/kube-exec-controller.jar")
                .contains("COPY --from=build /build/target/lib/ /opt/kube-exec-controller/lib/")
                .contains("\"-jar\", \"/opt/kube-exec-controller/kube-exec-controller.jar\"]")
                .contains("EXPOSE " + ControllerInterface.PORT);
    }

    @Test
    void copiesOnlyWhatExistsAndWhatDockerignoreLetsIn() throws IOException {
        List<String> allowed = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve(".dockerignore"))) {
            if (line.startsWith("!")) {
                allowed.add(line.substring(1));
            }
        }
        assertThat(Files.readAllLines(root.resolve(".dockerignore"))).contains("*");
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(dockerfile());
        int copies = 0;
        while (copy.find()) {
            copies++;
            String source = copy.group(1);
            assertThat(root.resolve(source)).as(source).exists();
            assertThat(allowed).as(source + " is let in by .dockerignore").contains(source);
        }
        assertThat(copies).isGreaterThanOrEqualTo(4);
        // Everything the Maven build reads from outside src/ must be in the build context too. Test resources are
        // not read: the image builds with -Dmaven.test.skip=true.
        assertThat(dockerfile()).contains("-Dmaven.test.skip=true");
        String pom = Files.readString(root.resolve("pom.xml")).replaceAll("(?s)<testResources>.*?</testResources>", "");
        Matcher dirs = Pattern.compile("<(?:source|directory)>([^<$]+)</(?:source|directory)>").matcher(pom);
        while (dirs.find()) {
            String dir = dirs.group(1);
            assertThat(allowed).as("pom.xml reads " + dir)
                    .anyMatch(a -> (dir + "/").startsWith(a));
        }
    }

    private String dockerfile() throws IOException {
        return Files.readString(root.resolve("Dockerfile"));
    }
}
