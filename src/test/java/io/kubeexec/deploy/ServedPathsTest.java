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

    private static final Pattern HTTPS_ROUTE = Pattern.compile("undertow:https://[^/\"'\\s]+(/[^\"'?\\s]*)");

    @ParameterizedTest(name = "{0}: the webhook paths are the routes the controller serves")
    @FieldSource("TARGETS")
    void webhookPathsAreServed(String target) {
        Controller controller = Controller.in(target);
        Set<String> served = servedPaths(controller);
        assertThat(served).contains(ControllerInterface.INTERACTION_PATH, ControllerInterface.UPDATE_PATH);
        for (ValidatingWebhook webhook : controller.webhooks().getWebhooks()) {
            assertThat(served).as(webhook.getName()).contains(webhook.getClientConfig().getService().getPath());
        }
    }

    @ParameterizedTest(name = "{0}: the probe paths are the health routes the controller serves")
    @FieldSource("TARGETS")
    void probePathsAreServed(String target) {
        Controller controller = Controller.in(target);
        Set<String> served = servedPaths(controller);
        Container container = controller.container();
        assertThat(served).contains(ControllerInterface.LIVENESS_PATH, ControllerInterface.READINESS_PATH)
                .contains(container.getLivenessProbe().getHttpGet().getPath(),
                        container.getReadinessProbe().getHttpGet().getPath());
    }

    /** The paths of the HTTPS consumers in the routes the pod mounts with -routes-dir. */
    static Set<String> servedPaths(Controller controller) {
        String name = controller.volume(controller.mountAt(ControllerInterface.ROUTES_DIR).getName())
                .getConfigMap().getName();
        ConfigMap routes = controller.manifests().named(ConfigMap.class, name).orElseThrow();
        Set<String> paths = new TreeSet<>();
        for (String yaml : routes.getData().values()) {
            Matcher matcher = HTTPS_ROUTE.matcher(yaml);
            while (matcher.find()) {
                paths.add(matcher.group(1));
            }
        }
        return paths;
    }
}
