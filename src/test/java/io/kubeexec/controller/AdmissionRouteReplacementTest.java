package io.kubeexec.controller;

import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admission fast path stands in for the built-in admission routes only: an operator's replacement of
 * admit-pod-update, under its own id, runs its own steps on every review.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionRouteReplacementTest {

    private TestController controller;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of(
                "routes-extra-dir", TestController.resource("replaced-admission").toString(),
                "routes-exclude", "admit-pod-update"));
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void aReplacedAdmissionRouteRunsItsOwnStepsInsteadOfTheFastPath() {
        MockEndpoint replacement = context.getEndpoint("mock:replaced-admission", MockEndpoint.class);

        String answer = controller.post("/admit-pod-update", TestController.fixture("label-removal.json"))
                .body();

        assertThat(replacement.getReceivedCounter()).as("the replacement's own step ran").isEqualTo(1);
        assertThat(answer).contains("\"allowed\":false")
                .contains("The following Pod labels cannot be updated or removed once set");
        assertThat(context.getRoute("admit-pod-update")).isNull();
    }
}
