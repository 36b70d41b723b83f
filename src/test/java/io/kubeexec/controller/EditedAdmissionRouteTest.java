package io.kubeexec.controller;

import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.EditedRoutes;
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
 * An operator edits the built-in admit-pod-update in a -routes-dir copy (as in a ConfigMap) and removes its fastPath
 * line, as routes/admission.camel.yaml says to: the edited steps run for every review, and the other webhook keeps its
 * fast path. (With fastPath kept, start-up refuses the edit: StartupIT.)
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EditedAdmissionRouteTest {

    private TestController controller;

    @BeanInject
    CamelContext context;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("routes-dir", EditedRoutes.copyWithEdit("admission.camel.yaml", """
                        fastPath: podUpdate
                      steps:
                """, """
                      steps:
                        - to: mock:edited-admission
                """).toString()));
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void theEditedStepsRunForEveryReview() {
        MockEndpoint edited = context.getEndpoint("mock:edited-admission", MockEndpoint.class);

        String first = controller.post("/admit-pod-update", TestController.fixture("label-removal.json")).body();
        String second = controller.post("/admit-pod-update", TestController.fixture("extension-valid.json")).body();

        assertThat(edited.getReceivedCounter()).as("the operator's step ran for each review").isEqualTo(2);
        assertThat(first).contains("\"allowed\":false")
                .contains("The following Pod labels cannot be updated or removed once set");
        assertThat(second).contains("\"allowed\":true");
    }

    @Test
    void theUneditedWebhookStillAnswers() {
        assertThat(controller.post("/admit-pod-interaction", TestController.fixture("exec.json")).body())
                .contains("\"allowed\":true");
    }
}
