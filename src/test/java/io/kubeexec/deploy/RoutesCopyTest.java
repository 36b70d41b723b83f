package io.kubeexec.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kustomize/base/routes is a committed copy of routes/ (the load restrictor keeps the base from reading ../../routes).
 * This fails the build when the copy drifts; {@code make manifests} refreshes it.
 */
class RoutesCopyTest {

    private static final String HOW_TO_FIX = "run 'make manifests' (hack/sync-routes.sh) to refresh kustomize/base/routes";

    @Test
    void theCopyHoldsExactlyTheRoutesOfTheRepository() throws IOException {
        Map<String, String> routes = routeFiles(Kustomize.repoRoot().resolve("routes"));
        assertThat(routes).as("routes/*.camel.yaml: -routes-dir replaces the built-in routes, so none means no webhook")
                .isNotEmpty();
        assertThat(routeFiles(Kustomize.source().resolve("base/routes"))).as(HOW_TO_FIX)
                .containsExactlyInAnyOrderEntriesOf(routes);
    }

    @Test
    void theRenderedConfigMapHoldsExactlyTheRoutesOfTheRepository() throws IOException {
        Controller controller = Controller.in("base");
        String name = controller.volume(controller.mountAt(ControllerInterface.ROUTES_DIR).getName())
                .getConfigMap().getName();
        ConfigMap configMap = controller.manifests().named(ConfigMap.class, name).orElseThrow();
        Map<String, String> data = configMap.getData() == null ? Map.of() : configMap.getData();
        assertThat(data).as(HOW_TO_FIX)
                .containsExactlyInAnyOrderEntriesOf(routeFiles(Kustomize.repoRoot().resolve("routes")));
    }

    @Test
    void theSyncScriptAgrees() {
        Kustomize.Result check = Kustomize.run(List.of("sh",
                Kustomize.repoRoot().resolve("hack/sync-routes.sh").toString(), "--check"), null);
        assertThat(check.exitCode()).as(check.stderr()).isZero();
    }

    private static Map<String, String> routeFiles(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> paths = Files.list(dir)) {
            for (Path path : paths.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                files.put(path.getFileName().toString(), Files.readString(path));
            }
        }
        return files;
    }
}
