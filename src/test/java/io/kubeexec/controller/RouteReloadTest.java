package io.kubeexec.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.LoggedWarnings;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.support.TestPods;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * -routes-reload on a directory of operator routes: a broken edit is logged with the file, line and column and the
 * last good routes keep running; a good edit takes effect without a restart.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteReloadTest {

    private static final String NS = "reloads";
    private static final String OBSERVER = """
            - route:
                id: reloaded-observer
                from:
                  uri: "seda:interaction-recorded?multipleConsumers=true"
                  steps:
                    - to: mock:%s
            """;

    private LoggedWarnings warnings;
    private Path dir;
    private Path file;
    private TestController controller;
    private KubernetesClient kube;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("reload-routes");
        file = dir.resolve("observer.camel.yaml");
        Files.writeString(file, OBSERVER.formatted("before-edit"));
        warnings = LoggedWarnings.capture();
        controller = new TestController(Map.of("routes-extra-dir", dir.toString(), "routes-reload", "true"));
        kube = controller.kube();
    }

    @AfterAll
    void stop() throws IOException {
        controller.close();
        warnings.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Test
    void aBrokenEditKeepsTheLastGoodRoutesAndAGoodEditTakesEffect() throws IOException {
        MockEndpoint beforeEdit = mock("before-edit");
        exec("r-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> beforeEdit.getReceivedCounter() == 1);

        Files.writeString(file, "- route:\n    id: reloaded-observer\n    from:\n      uri: \"seda:x\"\n"
                + "      steps:\n        - tooo: nowhere\n");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(warnings.events())
                .anySatisfy(w -> assertThat(w).contains("observer.camel.yaml").contains("line 6, column 11")));
        assertThat(context.getRoute("reloaded-observer")).as("the last good route").isNotNull();
        assertThat(context.getRoute("admit-pod-interaction")).isNotNull();
        exec("r-2");
        await().atMost(Duration.ofSeconds(10)).until(() -> beforeEdit.getReceivedCounter() == 2);

        Files.writeString(file, OBSERVER.formatted("after-edit"));
        await().atMost(Duration.ofSeconds(20)).until(() -> context.getRoute("reloaded-observer") != null
                && routeSendsTo("mock://after-edit"));
        exec("r-3");
        await().atMost(Duration.ofSeconds(10)).until(() -> mock("after-edit").getReceivedCounter() == 1);
        assertThat(beforeEdit.getReceivedCounter()).as("the replaced route").isEqualTo(2);
    }

    private boolean routeSendsTo(String uri) {
        return context.getEndpoints().stream().anyMatch(e -> e.getEndpointUri().equals(uri));
    }

    private void exec(String pod) {
        TestPods.create(kube, NS, pod);
        controller.post("/admit-pod-interaction", Reviews.exec(NS, pod, "alice"));
        TestPods.awaitLabels(kube, NS, pod);
    }

    private MockEndpoint mock(String name) {
        return context.getEndpoint("mock:" + name, MockEndpoint.class);
    }
}
