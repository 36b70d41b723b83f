package io.kubeexec.controller;

import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * AdmissionReviews shaped as a real API server sends them, POSTed over real HTTPS to the running application with
 * its real YAML routes. Asserts the exact status codes and bodies.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionHttpsTest {

    private TestController controller;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of());
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @ParameterizedTest(name = "{0} is allowed, echoing the uid")
    @CsvSource({
            "exec.json,              admission.k8s.io/v1,      705ab4f5-6393-11e8-b7cc-42010a800001",
            "attach-no-command.json, admission.k8s.io/v1,      705ab4f5-6393-11e8-b7cc-42010a800002",
            "exec-no-container.json, admission.k8s.io/v1,      705ab4f5-6393-11e8-b7cc-42010a800003",
            "cp.json,                admission.k8s.io/v1,      705ab4f5-6393-11e8-b7cc-42010a800004",
            "exec-v1beta1.json,      admission.k8s.io/v1beta1, 705ab4f5-6393-11e8-b7cc-42010a800005",
            "exec-dry-run.json,      admission.k8s.io/v1,      705ab4f5-6393-11e8-b7cc-42010a800006",
    })
    void interactionsAreAllowed(String fixture, String apiVersion, String uid) {
        HttpResponse<String> response = controller.post("/admit-pod-interaction?timeout=10s",
                TestController.fixture(fixture));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"apiVersion\":\"" + apiVersion
                + "\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"" + uid + "\",\"allowed\":true}}");
    }

    @Test
    void removingAProtectedLabelIsDeniedWithTheOriginalMessage() {
        HttpResponse<String> response = controller.post("/admit-pod-update?timeout=10s",
                TestController.fixture("label-removal.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"response\":{\"uid\":\"8f1a0c2e-0000-4000-8000-000000000007\",\"allowed\":false,\"status\":{"
                + "\"code\":403,\"message\":\"The following Pod labels cannot be updated or removed once set: "
                + "box.com/podInitialInteractionTimestamp box.com/podTTLDuration\"}}}");
    }

    @Test
    void aValidExtensionIsAllowed() {
        HttpResponse<String> response = controller.post("/admit-pod-update",
                TestController.fixture("extension-valid.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"response\":{\"uid\":\"8f1a0c2e-0000-4000-8000-000000000008\",\"allowed\":true}}");
    }

    @Test
    void anInvalidExtensionIsDeniedWithTheOriginalMessage() {
        HttpResponse<String> response = controller.post("/admit-pod-update",
                TestController.fixture("extension-invalid.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"response\":{\"uid\":\"8f1a0c2e-0000-4000-8000-000000000009\",\"allowed\":false,\"status\":{"
                + "\"code\":403,\"message\":\"The given annotation has an invalid value set in the Pod object: "
                + "box.com/podExtendedDuration\"}}}");
    }

    @Test
    void aNegativeExtensionIsDenied() {
        HttpResponse<String> response = controller.post("/admit-pod-update",
                TestController.fixture("extension-negative.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"response\":{\"uid\":\"8f1a0c2e-0000-4000-8000-000000000010\",\"allowed\":false,\"status\":{"
                + "\"code\":403,\"message\":\"The given annotation has a negative duration set in the Pod object: "
                + "box.com/podExtendedDuration=-1h (an extension can only add time)\"}}}");
    }

    @Test
    void malformedJsonGets400WithAJsonError() {
        HttpResponse<String> response = controller.post("/admit-pod-interaction",
                TestController.fixture("malformed.json"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("{\"code\":400,\"error\":\"body is not JSON: ");
    }

    @Test
    void aReviewWithoutARequestGets400() {
        HttpResponse<String> response = controller.post("/admit-pod-update",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"code\":400,\"error\":\"AdmissionReview has no request\"}");
    }

    @Test
    void aFormContentTypeDoesNotStopTheBodyBeingParsed() throws Exception {
        HttpResponse<String> response = controller.client().send(java.net.http.HttpRequest
                        .newBuilder(controller.uri("/admit-pod-interaction"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestController.fixture("exec.json")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"allowed\":true");
    }

    @Test
    void aWrongMethodGets405() {
        HttpResponse<String> response = controller.get("/admit-pod-interaction");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.body())
                .isEqualTo("{\"code\":405,\"error\":\"method GET not allowed: AdmissionReviews are POSTed\"}");
    }

    @Test
    void anUnknownPathGets404() {
        HttpResponse<String> response = controller.get("/admit-something-else");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"code\":404,\"error\":\"no such path: GET /admit-something-else\"}");
    }

    @Test
    void aBodyOverTheLimitGets413() {
        byte[] body = new byte[8 * 1024 * 1024 + 1];
        Arrays.fill(body, (byte) ' ');

        HttpResponse<String> response = controller.post("/admit-pod-update", body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo(
                "{\"code\":413,\"error\":\"body of 8388609 bytes exceeds the limit of 8388608 bytes\"}");
    }

    @Test
    void aBodyOfSeveralMebibytesUnderTheLimitIsRead() {
        // A pod UPDATE of a large pod (two copies of 3 MB): Undertow's own 2 MiB default must not apply.
        String review = TestController.fixture("extension-valid.json");
        String padded = review.replace("\"app\": \"web\"", "\"app\": \"web\", \"padding\": \"" + "x".repeat(3_000_000)
                + "\"");

        HttpResponse<String> response = controller.post("/admit-pod-update", padded.getBytes(StandardCharsets.UTF_8));

        assertThat(padded.length()).isGreaterThan(6_000_000);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"allowed\":true");
    }

    @Test
    void livenessIsUpOnTheHealthPort() {
        HttpResponse<String> response = controller.getHealth("/health/liveness");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void readinessIsUpOnTheHealthPortWhenTheApiServerAnswers() {
        HttpResponse<String> response = controller.getHealth("/health/readiness");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void metricsOnTheHealthPortCountTheInteractionsAndTimeTheDecisions() {
        controller.post("/admit-pod-interaction", TestController.fixture("cp.json"));

        HttpResponse<String> response = controller.getHealth("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .containsPattern("(?m)^kube_exec_controller_interactions_total\\{kind=\"cp\"\\} [1-9]\\d*$")
                .contains("# TYPE kube_exec_controller_evictions_total counter")
                .contains("kube_exec_controller_queue_depth{queue=\"interact\"} ")
                .contains("kube_exec_controller_queue_rejections_total{queue=\"extend\"} 0")
                .containsPattern("(?m)^kube_exec_controller_admission_duration_seconds_count [1-9]\\d*$");
    }

    @ParameterizedTest(name = "the webhook port answers GET {0} with 404: it serves only the webhooks")
    @ValueSource(strings = {"/health/liveness", "/health/readiness", "/metrics", "/"})
    void theWebhookPortRefusesTheProbesAndMetrics(String path) {
        HttpResponse<String> response = controller.get(path);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"code\":404,\"error\":\"no such path: GET " + path + "\"}");
    }

    @ParameterizedTest(name = "the health port answers POST {0} with 404: the webhooks are on the HTTPS port only")
    @ValueSource(strings = {"/admit-pod-interaction", "/admit-pod-update"})
    void theHealthPortServesNoWebhook(String path) {
        HttpResponse<String> response = controller.sendHealth(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + controller.healthPort() + path))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestController.fixture("exec.json"))));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("allowed");
    }

    @Test
    void theHealthPortSpeaksPlainHttpNotTls() {
        SSLContext context = TestController.trustingTestCertificate();
        assertThatThrownBy(() -> {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                    controller.healthPort())) {
                socket.setSoTimeout(5000);
                socket.startHandshake();
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void theListenerSpeaksOnlyTls() throws IOException {
        try (Socket plain = new Socket("127.0.0.1", controller.port())) {
            plain.setSoTimeout(5000);
            plain.getOutputStream().write("GET /admit-pod-interaction HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] answer = plain.getInputStream().readNBytes(12);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotStartWith("HTTP/");
        } catch (java.net.SocketException expected) {
            // The TLS listener dropped the plain-text connection: also proof that TLS is on.
        }
    }

    @Test
    void tls11IsRefused() throws Exception {
        SSLContext context = TestController.trustingTestCertificate();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", controller.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }
}
