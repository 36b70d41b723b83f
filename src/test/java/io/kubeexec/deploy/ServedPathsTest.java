package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every path the API server and the kubelet call is served by one of the built-in routes. */
class ServedPathsTest {

    static final List<String> TARGETS = Kustomize.TARGETS;

    private static final Pattern ROUTE = Pattern.compile("undertow:(https?)://[^/\"'\\s]+(/[^\"'?\\s]*)");

    @ParameterizedTest(name = "{0}: the webhook paths are the routes the controller serves")
    @FieldSource("TARGETS")
    void webhookPathsAreServed(String target) throws IOException {
        Controller controller = Controller.in(target);
        Set<String> served = servedPaths(controller, "https");
        assertThat(served).contains(ControllerInterface.INTERACTION_PATH, ControllerInterface.UPDATE_PATH);
        assertThat(served).as("the webhook port serves the webhooks and a 404 for the rest, nothing more")
                .containsExactlyInAnyOrder(ControllerInterface.INTERACTION_PATH, ControllerInterface.UPDATE_PATH, "/");
        for (ValidatingWebhook webhook : controller.webhooks().getWebhooks()) {
            assertThat(served).as(webhook.getName()).contains(webhook.getClientConfig().getService().getPath());
        }
    }

    @ParameterizedTest(name = "{0}: the probe paths are the health routes the controller serves on plain HTTP")
    @FieldSource("TARGETS")
    void probePathsAreServed(String target) throws IOException {
        Controller controller = Controller.in(target);
        Set<String> served = servedPaths(controller, "http");
        Container container = controller.container();
        assertThat(served).contains(ControllerInterface.LIVENESS_PATH, ControllerInterface.READINESS_PATH)
                .contains(ControllerInterface.METRICS_PATH)
                .contains(container.getLivenessProbe().getHttpGet().getPath(),
                        container.getReadinessProbe().getHttpGet().getPath());
    }

    /**
     * The paths of the consumers of one scheme (https: the webhook port, http: the health port) in the built-in routes
     * the image carries: routes/, the one copy, which the build puts in the jar.
     */
    static Set<String> servedPaths(Controller controller, String scheme) throws IOException {
        Set<String> paths = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("routes"))) {
            files = listed.filter(f -> f.toString().endsWith(".camel.yaml")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            String yaml = Files.readString(file);
            Matcher matcher = ROUTE.matcher(yaml);
            while (matcher.find()) {
                if (matcher.group(1).equals(scheme)) {
                    paths.add(matcher.group(2));
                }
            }
        }
        return paths;
    }
}
