package io.kubeexec.controller;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.support.TestPods;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reviews the shipped webhooks never send, POSTed anyway (anyone who reaches the HTTPS port can): a pod in
 * kube-system, in the controller's own namespace or in an allowlisted one is never labelled, annotated or evicted,
 * and the answer is still allowed. Each test has a control in an ordinary namespace, so it cannot pass because the
 * workers had not run yet.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExemptNamespacesFlowTest {

    private static final String HOME = "kec-home";
    private static final String OPTED_OUT = "opted-out-by-label";
    private static final String ORDINARY = "shop";

    private TestController controller;
    private KubernetesClient kube;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("controller-namespace", HOME, "namespace-allowlist", "infra",
                "scan-interval", "200ms"));
        kube = controller.kube();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(OPTED_OUT)
                .addToLabels("box.com/podInteractionTracking", "disabled").endMetadata().build()).create();
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @ParameterizedTest(name = "a forged exec in {0} is allowed and changes nothing")
    @ValueSource(strings = {"kube-system", HOME, "kube-exec-controller", "infra"})
    void aForgedExecInAnExemptNamespaceIsAllowedAndChangesNothing(String namespace) {
        Pod target = TestPods.create(kube, namespace, "forged-exec");
        TestPods.create(kube, ORDINARY, "control-" + namespace);

        assertThat(controller.post("/admit-pod-interaction", Reviews.exec(namespace, "forged-exec", "mallory"))
                .body()).contains("\"allowed\":true");
        controller.post("/admit-pod-interaction", Reviews.exec(ORDINARY, "control-" + namespace, "mallory"));

        TestPods.awaitLabels(kube, ORDINARY, "control-" + namespace);
        staysUnchanged(target);
        assertThat(controller.eventNotes(namespace, "forged-exec")).isEmpty();
    }

    @Test
    void aForgedExtensionInKubeSystemIsAllowedAndWritesNothing() {
        Pod tracked = TestPods.createExpired(kube, "kube-system", "tracked-by-the-original", "alice");
        Pod control = TestPods.createExpired(kube, ORDINARY, "control-extension", "alice");
        TestPods.expectEviction(controller.apiServer(), ORDINARY, "control-extension");

        assertThat(controller.post("/admit-pod-update", Reviews.extend(tracked, "30m", "mallory")).body())
                .contains("\"allowed\":true");
        controller.post("/admit-pod-update", Reviews.extend(control, "30m", "mallory"));

        await().atMost(Duration.ofSeconds(10)).until(() -> controller.eventNotes(ORDINARY, "control-extension")
                .stream().anyMatch(n -> n.startsWith("Pod eviction time has been extended")));
        staysUnchanged(tracked);
    }

    @Test
    void aLaterExecInANamespaceOptedOutByLabelIsNotWrittenToThePod() {
        // Tracked before its namespace opted out: it stays tracked, but a review the webhooks would not send now
        // adds nothing to it.
        Pod tracked = TestPods.createExpired(kube, OPTED_OUT, "tracked-before", "alice");
        TestPods.create(kube, ORDINARY, "control-opted-out");

        assertThat(controller.post("/admit-pod-interaction", Reviews.exec(OPTED_OUT, "tracked-before", "mallory"))
                .body()).contains("\"allowed\":true");
        controller.post("/admit-pod-interaction", Reviews.exec(ORDINARY, "control-opted-out", "mallory"));

        TestPods.awaitLabels(kube, ORDINARY, "control-opted-out");
        staysUnchanged(tracked);
    }

    @Test
    void theScanNeverEvictsInKubeSystemOrTheControllersNamespaceEvenWhenLabelled() {
        // Labelled by the original controller, which covered every namespace, or by hand: long due.
        List<String> kubeSystem = evictionsOf("kube-system", "labelled-long-ago");
        List<String> home = evictionsOf(HOME, "labelled-long-ago");
        List<String> control = evictionsOf(ORDINARY, "labelled-long-ago");

        await().atMost(Duration.ofSeconds(10)).until(() -> !control.isEmpty());
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true); // 3 more scans
        assertThat(kubeSystem).isEmpty();
        assertThat(home).isEmpty();
        assertThat(kube.pods().inNamespace("kube-system").withName("labelled-long-ago").get()).isNotNull();
    }

    private List<String> evictionsOf(String namespace, String name) {
        List<String> bodies = TestPods.expectEviction(controller.apiServer(), namespace, name);
        TestPods.createExpired(kube, namespace, name, "alice");
        return bodies;
    }

    /**
     * The control shows the workers took their queue; the workers run concurrently, so give the exempt review a
     * moment longer (its handling takes a few milliseconds) and check the pod throughout.
     */
    private void staysUnchanged(Pod before) {
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            Pod now = kube.pods().inNamespace(before.getMetadata().getNamespace())
                    .withName(before.getMetadata().getName()).get();
            assertThat(now.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
            assertThat(now.getMetadata().getAnnotations()).isEqualTo(before.getMetadata().getAnnotations());
            assertThat(now.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        });
    }
}
