package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every path the API server and the kubelet call is served by a route in the ConfigMap the pod mounts. */
class ServedPathsTest {

    static final List<String> TARGETS = Kustomize.TARGETS;

    private static final Pattern ROUTE = Pattern.compile("undertow:(https?)://[^/\"'\\s]+(/[^\"'?\\s]*)");

    @ParameterizedTest(name = "{0}: the webhook paths are the routes the controller serves")
    @FieldSource("TARGETS")
    void webhookPathsAreServed(String target) {
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
    void probePathsAreServed(String target) {
        Controller controller = Controller.in(target);
        Set<String> served = servedPaths(controller, "http");
        Container container = controller.container();
        assertThat(served).contains(ControllerInterface.LIVENESS_PATH, ControllerInterface.READINESS_PATH)
                .contains(ControllerInterface.METRICS_PATH)
                .contains(container.getLivenessProbe().getHttpGet().getPath(),
                        container.getReadinessProbe().getHttpGet().getPath());
    }

    /** The paths of the consumers of one scheme (https: the webhook port, http: the health port) in the routes the pod mounts with -routes-dir. */
    static Set<String> servedPaths(Controller controller, String scheme) {
        String name = controller.volume(controller.mountAt(ControllerInterface.ROUTES_DIR).getName())
                .getConfigMap().getName();
        ConfigMap routes = controller.manifests().named(ConfigMap.class, name).orElseThrow();
        Set<String> paths = new TreeSet<>();
        for (String yaml : routes.getData().values()) {
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
