package io.kubeexec.controller.admission;

import io.kubeexec.controller.admission.AdmissionRequest.MalformedReviewException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Parsing AdmissionReview v1 and v1beta1 as the API server sends them, and the exact JSON of the answers. */
class AdmissionRequestTest {

    private static AdmissionRequest parse(String json) throws MalformedReviewException {
        return AdmissionRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "an {0} exec review is read field by field")
    @CsvSource({"admission.k8s.io/v1", "admission.k8s.io/v1beta1"})
    void readsAnExecReviewOfEitherVersion(String apiVersion) throws Exception {
        AdmissionRequest request = parse("""
                {"kind":"AdmissionReview","apiVersion":"%s","request":{
                  "uid":"b5b1c7d2-3a8e-4f1c-9d2e-7c6b5a4f3e2d",
                  "kind":{"group":"","version":"v1","kind":"PodExecOptions"},
                  "resource":{"group":"","version":"v1","resource":"pods"},
                  "subResource":"exec",
                  "requestKind":{"group":"","version":"v1","kind":"PodExecOptions"},
                  "requestResource":{"group":"","version":"v1","resource":"pods"},
                  "requestSubResource":"exec",
                  "name":"web-0","namespace":"shop","operation":"CONNECT",
                  "userInfo":{"username":"system:serviceaccount:ci:deployer","uid":"42",
                              "groups":["system:serviceaccounts","system:serviceaccounts:ci","system:authenticated"]},
                  "object":{"kind":"PodExecOptions","apiVersion":"v1","stdin":true,"stdout":true,"tty":true,
                            "container":"app","command":["sh","-c","id"]},
                  "oldObject":null,"dryRun":false,"options":null}}
                """.formatted(apiVersion));

        assertThat(request.apiVersion()).isEqualTo(apiVersion);
        assertThat(request.uid()).isEqualTo("b5b1c7d2-3a8e-4f1c-9d2e-7c6b5a4f3e2d");
        assertThat(request.operation()).isEqualTo("CONNECT");
        assertThat(request.resource()).isEqualTo("pods");
        assertThat(request.subResource()).isEqualTo("exec");
        assertThat(request.namespace()).isEqualTo("shop");
        assertThat(request.name()).isEqualTo("web-0");
        assertThat(request.username()).isEqualTo("system:serviceaccount:ci:deployer");
        assertThat(request.groups())
                .containsExactly("system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated");
        assertThat(request.dryRun()).isFalse();
        assertThat(request.object().path("container").asText()).isEqualTo("app");
        assertThat(request.object().path("command")).hasSize(3);
    }

    @Test
    void readsADryRunPodUpdateWithBothCopiesOfThePod() throws Exception {
        AdmissionRequest request = parse("""
                {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{
                  "uid":"u-2","kind":{"group":"","version":"v1","kind":"Pod"},
                  "resource":{"group":"","version":"v1","resource":"pods"},
                  "name":"web-0","namespace":"shop","operation":"UPDATE",
                  "userInfo":{"username":"alice"},
                  "object":{"metadata":{"labels":{"app":"new"}}},
                  "oldObject":{"metadata":{"labels":{"app":"old"}}},
                  "dryRun":true}}
                """);

        assertThat(request.dryRun()).isTrue();
        assertThat(request.subResource()).isEmpty();
        assertThat(request.groups()).isEmpty();
        assertThat(request.object().path("metadata").path("labels").path("app").asText()).isEqualTo("new");
        assertThat(request.oldObject().path("metadata").path("labels").path("app").asText()).isEqualTo("old");
    }

    @Test
    void handlesAReviewWithoutUserInfoContainerOrCommand() throws Exception {
        AdmissionRequest request = parse("""
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-3",
                  "resource":{"group":"","version":"v1","resource":"pods"},"subResource":"attach",
                  "name":"web-0","namespace":"shop","operation":"CONNECT",
                  "object":{"kind":"PodAttachOptions","apiVersion":"v1","stdin":true}}}
                """);

        assertThat(request.username()).isEmpty();
        assertThat(request.groups()).isEmpty();
        assertThat(request.dryRun()).isFalse();
        assertThat(request.object().path("container").isMissingNode()).isTrue();
        assertThat(request.object().path("command").isMissingNode()).isTrue();
        assertThat(request.oldObject().path("metadata").path("labels").isMissingNode()).isTrue();
    }

    @Test
    void handlesAReviewWithNothingButAUid() throws Exception {
        AdmissionRequest request = parse("{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u-4\"}}");

        assertThat(request).isEqualTo(new AdmissionRequest("admission.k8s.io/v1", "u-4", "", "", "", "", "", "",
                List.of(), false, request.object(), request.oldObject()));
        assertThat(request.object().path("command").isMissingNode()).isTrue();
        assertThat(request.oldObject().path("metadata").isMissingNode()).isTrue();
    }

    static Stream<Arguments> malformedReviews() {
        return Stream.of(
                arguments("an empty body", "", "empty body"),
                arguments("a body that is not JSON", "exec please", "body is not JSON"),
                arguments("a JSON body cut short", "{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{",
                        "body is not JSON"),
                arguments("a JSON array", "[{\"apiVersion\":\"admission.k8s.io/v1\"}]", "not a JSON object"),
                arguments("a JSON string", "\"AdmissionReview\"", "not a JSON object"),
                arguments("JSON null", "null", "not a JSON object"),
                arguments("a review without a request",
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}", "has no request"),
                arguments("a review whose request is not an object",
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":\"exec\"}", "has no request"),
                arguments("a review whose request has no uid",
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"operation\":\"CONNECT\"}}",
                        "has no uid"),
                arguments("a review whose request has an empty uid",
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"\"}}", "has no uid"),
                arguments("a review of another API version",
                        "{\"apiVersion\":\"admission.k8s.io/v2\",\"request\":{\"uid\":\"u\"}}",
                        "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got \"admission.k8s.io/v2\""),
                arguments("a review without an API version",
                        "{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}",
                        "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got \"\""),
                arguments("something else entirely",
                        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-0\"}}",
                        "apiVersion must be"));
    }

    @ParameterizedTest(name = "{0} is refused with a message naming the problem")
    @MethodSource("malformedReviews")
    void refusesWhatIsNotAnAdmissionReview(String what, String body, String problem) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(MalformedReviewException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void refusesANullBody() {
        assertThatThrownBy(() -> AdmissionRequest.parse(null))
                .isInstanceOf(MalformedReviewException.class)
                .hasMessageContaining("empty body");
    }

    @ParameterizedTest(name = "an allowed {0} answer echoes the version, kind and uid")
    @CsvSource({"admission.k8s.io/v1", "admission.k8s.io/v1beta1"})
    void anAllowedAnswerIsExactly(String apiVersion) {
        assertThat(AdmissionResponse.allowed(apiVersion, "b5b1c7d2-3a8e-4f1c-9d2e-7c6b5a4f3e2d")).isEqualTo(
                "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"AdmissionReview\","
                        + "\"response\":{\"uid\":\"b5b1c7d2-3a8e-4f1c-9d2e-7c6b5a4f3e2d\",\"allowed\":true}}");
    }

    @Test
    void aDeniedAnswerCarriesA403StatusWithTheMessage() {
        assertThat(AdmissionResponse.denied("admission.k8s.io/v1", "u-1",
                "The following Pod labels cannot be updated or removed once set: "
                        + "box.com/podInitialInteractionTimestamp box.com/podTTLDuration"))
                .isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                        + "\"response\":{\"uid\":\"u-1\",\"allowed\":false,\"status\":{\"code\":403,"
                        + "\"message\":\"The following Pod labels cannot be updated or removed once set: "
                        + "box.com/podInitialInteractionTimestamp box.com/podTTLDuration\"}}}");
    }

    @Test
    void aDeniedAnswerEscapesQuotesInTheMessage() {
        assertThat(AdmissionResponse.denied("admission.k8s.io/v1beta1", "u-\"1\"", "say \"no\"\\"))
                .isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\","
                        + "\"response\":{\"uid\":\"u-\\\"1\\\"\",\"allowed\":false,\"status\":{\"code\":403,"
                        + "\"message\":\"say \\\"no\\\"\\\\\"}}}");
    }

    @Test
    void anErrorBodyNamesTheCodeAndTheProblem() {
        assertThat(AdmissionResponse.error(400, "body is not JSON: x"))
                .isEqualTo("{\"code\":400,\"error\":\"body is not JSON: x\"}");
    }

    @ParameterizedTest(name = "{0} is replayed as a review that reads back the same")
    @MethodSource("queuedReviews")
    void aReplayedReviewReadsBackAsTheSameRequest(String fixture) throws Exception {
        AdmissionRequest request = parse(io.kubeexec.controller.support.TestController.fixture(fixture));

        AdmissionRequest replayed = AdmissionRequest.parse(request.replayable());

        assertThat(replayed).isEqualTo(request);
    }

    static Stream<String> queuedReviews() {
        return Stream.of("exec.json", "exec-v1beta1.json", "cp.json", "attach-no-command.json", "exec-no-container.json",
                "extension-valid.json", "label-removal.json", "exec-dry-run.json");
    }
}
