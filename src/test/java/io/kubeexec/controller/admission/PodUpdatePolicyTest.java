package io.kubeexec.controller.admission;

import io.kubeexec.contract.PodKeys;
import io.kubeexec.controller.work.ExtensionRequest;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The pod UPDATE webhook's decisions, keyed by behaviour. Each case is the AdmissionReview the API server sends:
 * the pod before ({@code oldObject}) and after ({@code object}) the change.
 */
class PodUpdatePolicyTest {

    private static final Instant NOW = Instant.parse("2021-10-16T18:10:00Z");
    private static final PodUpdatePolicy POLICY =
            new PodUpdatePolicy(PodKeys.DEFAULT, Duration.ofHours(24), true, Set.of());

    /** The original's message, to the character. */
    private static final String PROTECTED = "The following Pod labels cannot be updated or removed once set: "
            + "box.com/podInitialInteractionTimestamp box.com/podTTLDuration";
    private static final String INVALID =
            "The given annotation has an invalid value set in the Pod object: box.com/podExtendedDuration";

    /** The labels the controller wrote on the first interaction, plus the workload's own. */
    private static final String INTERACTED = """
            "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"1634408037",\
            "box.com/podInteractorUsername":"alice","box.com/podTTLDuration":"10m0s"}""";

    /** A pod UPDATE review from {@code bob@example.com}; the arguments are the extra metadata fields before and after. */
    static AdmissionRequest update(String oldMetadata, String newMetadata) {
        return review("", pod(oldMetadata), pod(newMetadata));
    }

    static String pod(String metadata) {
        return """
                {"kind":"Pod","apiVersion":"v1",
                 "metadata":{"name":"web-0","namespace":"shop","uid":"6f0c3d4e-1b2a-4c5d-9e8f-0a1b2c3d4e5f"%s},
                 "spec":{"containers":[{"name":"app","image":"nginx"}]}}""".formatted(
                metadata.isEmpty() ? "" : "," + metadata);
    }

    static AdmissionRequest review(String subResource, String oldObject, String object) {
        String json = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                  "uid":"a3f1c2d4-0000-4000-8000-000000000001",
                  "kind":{"group":"","version":"v1","kind":"Pod"},
                  "resource":{"group":"","version":"v1","resource":"pods"},
                  "subResource":"%s",
                  "name":"web-0","namespace":"shop","operation":"UPDATE",
                  "userInfo":{"username":"bob@example.com","groups":["devs","system:authenticated"]},
                  "object":%s,
                  "oldObject":%s,
                  "dryRun":false,
                  "options":{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1"}}}
                """.formatted(subResource, object, oldObject);
        try {
            return AdmissionRequest.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (AdmissionRequest.MalformedReviewException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<Arguments> deniedUpdates() {
        return Stream.of(
                arguments("should not allow removing the interaction timestamp label",
                        INTERACTED,
                        """
                        "labels":{"app":"web","box.com/podInteractorUsername":"alice","box.com/podTTLDuration":"10m0s"}""",
                        PROTECTED),
                arguments("should not allow changing the interaction timestamp label",
                        INTERACTED,
                        """
                        "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"1999999999",\
                        "box.com/podInteractorUsername":"alice","box.com/podTTLDuration":"10m0s"}""",
                        PROTECTED),
                arguments("should not allow emptying the interaction timestamp label",
                        INTERACTED,
                        """
                        "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"",\
                        "box.com/podInteractorUsername":"alice","box.com/podTTLDuration":"10m0s"}""",
                        PROTECTED),
                arguments("should not allow removing the TTL label",
                        INTERACTED,
                        """
                        "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"1634408037",\
                        "box.com/podInteractorUsername":"alice"}""",
                        PROTECTED),
                arguments("should not allow changing the TTL label",
                        INTERACTED,
                        """
                        "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"1634408037",\
                        "box.com/podInteractorUsername":"alice","box.com/podTTLDuration":"8760h0m0s"}""",
                        PROTECTED),
                arguments("should not allow changing the username label",
                        INTERACTED,
                        """
                        "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"1634408037",\
                        "box.com/podInteractorUsername":"mallory","box.com/podTTLDuration":"10m0s"}""",
                        "The following Pod labels cannot be updated or removed once set: box.com/podInteractorUsername"),
                arguments("should not allow removing the username label",
                        INTERACTED,
                        """
                        "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"1634408037",\
                        "box.com/podTTLDuration":"10m0s"}""",
                        "The following Pod labels cannot be updated or removed once set: box.com/podInteractorUsername"),
                arguments("should not allow removing every label at once",
                        INTERACTED,
                        "",
                        PROTECTED + " box.com/podInteractorUsername"),
                arguments("should not allow removing a label even with a valid extension in the same update",
                        INTERACTED,
                        """
                        "labels":{"app":"web"},"annotations":{"box.com/podExtendedDuration":"30m"}""",
                        PROTECTED + " box.com/podInteractorUsername"),
                arguments("should not allow an extension that is not a Go duration",
                        INTERACTED,
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"soon"}""",
                        INVALID),
                arguments("should not allow an extension in days, which Go does not parse",
                        INTERACTED,
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"1d"}""",
                        INVALID),
                arguments("should not allow an extension without a unit",
                        INTERACTED,
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30"}""",
                        INVALID),
                arguments("should not allow an empty extension",
                        INTERACTED,
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":""}""",
                        INVALID),
                arguments("should not allow an invalid extension that replaces a valid one",
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30m"}""",
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30 minutes"}""",
                        INVALID),
                arguments("should not allow an invalid extension on a pod nobody interacted with yet",
                        """
                        "labels":{"app":"web"}""",
                        """
                        "labels":{"app":"web"},"annotations":{"box.com/podExtendedDuration":"soon"}""",
                        INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deniedUpdates")
    void deniedWithTheExactMessage(String behaviour, String before, String after, String message) {
        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(update(before, after), NOW);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message()).isEqualTo(message);
        assertThat(verdict.extension()).isEmpty();
        assertThat(verdict.interaction()).isEmpty();
    }

    static Stream<Arguments> extensionsOutOfBounds() {
        return Stream.of(
                arguments("should not allow a negative extension", "-5m", "negative"),
                arguments("should not allow a negative extension written with decimals", "-0.5h", "negative"),
                arguments("should not allow an extension above -max-extension", "25h", "24h0m0s"),
                arguments("should not allow an extension just a nanosecond above -max-extension", "24h0m0.000000001s",
                        "24h0m0s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("extensionsOutOfBounds")
    void deniedWithAClearMessageNamingTheAnnotationAndValue(String behaviour, String extension, String reason) {
        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(update(INTERACTED,
                INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"" + extension + "\"}"), NOW);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message())
                .startsWith("The given annotation ")
                .contains("box.com/podExtendedDuration=" + extension)
                .contains(reason)
                .doesNotContain("\n");
        assertThat(verdict.extension()).isEmpty();
    }

    static Stream<Arguments> allowedWithoutSideEffects() {
        return Stream.of(
                arguments("should allow changing an unrelated label",
                        INTERACTED,
                        """
                        "labels":{"app":"web-2","box.com/podInitialInteractionTimestamp":"1634408037",\
                        "box.com/podInteractorUsername":"alice","box.com/podTTLDuration":"10m0s"}"""),
                arguments("should allow adding an unrelated label and annotation",
                        INTERACTED,
                        INTERACTED.replace("\"app\":\"web\"", "\"app\":\"web\",\"tier\":\"front\"") + """
                        ,"annotations":{"note":"checked"}"""),
                arguments("should allow removing an unrelated label",
                        INTERACTED,
                        INTERACTED.replace("\"app\":\"web\",", "")),
                arguments("should allow any update of a pod without labels",
                        "",
                        """
                        "labels":{"app":"web"},"annotations":{"note":"x"}"""),
                arguments("should allow any label change on a pod nobody interacted with",
                        """
                        "labels":{"app":"web","box.com/podTTLDuration":"10m0s"}""",
                        """
                        "labels":{"app":"api"}"""),
                arguments("should allow the controller to add the interaction labels to a pod that lacks them",
                        """
                        "labels":{"app":"web"}""",
                        INTERACTED),
                arguments("should allow adding the username label to an interacted pod that lacks it",
                        """
                        "labels":{"app":"web","box.com/podInitialInteractionTimestamp":"1634408037",\
                        "box.com/podTTLDuration":"10m0s"}""",
                        INTERACTED),
                arguments("should allow an unchanged extension without queueing it again",
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30m"}""",
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30m","note":"x"}"""),
                arguments("should allow removing an extension without queueing anything",
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30m"}""",
                        INTERACTED),
                arguments("should allow the controller to write the requester and termination annotations",
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30m"}""",
                        INTERACTED + """
                        ,"annotations":{"box.com/podExtendedDuration":"30m",\
                        "box.com/podExtensionRequester":"bob@example.com",\
                        "box.com/podTerminationTime":"2021-10-16 18:53:57 +0000 UTC"}"""),
                arguments("should allow an extension on a pod nobody interacted with, queueing nothing",
                        """
                        "labels":{"app":"web"}""",
                        """
                        "labels":{"app":"web"},"annotations":{"box.com/podExtendedDuration":"30m"}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedWithoutSideEffects")
    void allowedWithNothingQueued(String behaviour, String before, String after) {
        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(update(before, after), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.message()).isNull();
        assertThat(verdict.extension()).isEmpty();
        assertThat(verdict.interaction()).isEmpty();
    }

    @Test
    void shouldAllowAPodWithNoMetadataLabelsAtAll() {
        String bare = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-0\"}}";

        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(review("", bare, bare), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.extension()).isEmpty();
        assertThat(verdict.interaction()).isEmpty();
    }

    static Stream<Arguments> queuedExtensions() {
        return Stream.of(
                arguments("should queue a first extension of 30m", "", "30m", "30m", Duration.ofMinutes(30)),
                arguments("should queue a compound extension", "", "1h30m", "1h30m", Duration.ofMinutes(90)),
                arguments("should queue an extension in seconds", "", "90s", "90s", Duration.ofSeconds(90)),
                arguments("should queue an extension of exactly -max-extension", "", "24h", "24h",
                        Duration.ofHours(24)),
                arguments("should queue a zero extension", "", "0s", "0s", Duration.ZERO),
                arguments("should queue a changed extension", "30m", "1h", "1h", Duration.ofHours(1)),
                arguments("should queue a shorter extension that replaces a longer one", "2h", "15m", "15m",
                        Duration.ofMinutes(15)),
                arguments("should queue an extension written with spaces around it, trimmed", "", " 45m ", "45m",
                        Duration.ofMinutes(45)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queuedExtensions")
    void allowedAndQueuedWithTheRequestingUser(String behaviour, String previous, String requested, String text,
            Duration extension) {
        String before = previous.isEmpty() ? INTERACTED
                : INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"" + previous + "\"}";
        String after = INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"" + requested + "\"}";

        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(update(before, after), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.message()).isNull();
        assertThat(verdict.interaction()).isEmpty();
        assertThat(verdict.extension()).contains(new ExtensionRequest("shop", "web-0",
                "6f0c3d4e-1b2a-4c5d-9e8f-0a1b2c3d4e5f", text, extension, "bob@example.com", NOW));
    }

    @Test
    void shouldHonourALowerMaximumExtension() {
        PodUpdatePolicy strict =
                new PodUpdatePolicy(PodKeys.DEFAULT, Duration.ofMinutes(30), true, Set.of());
        String request = INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"31m\"}";

        PodUpdatePolicy.Verdict verdict = strict.evaluate(update(INTERACTED, request), NOW);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message()).isEqualTo("The given annotation exceeds the maximum extension of 30m0s in the "
                + "Pod object: box.com/podExtendedDuration=31m");
    }

    @Test
    void shouldExplainANegativeExtension() {
        String request = INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"-5m\"}";

        assertThat(POLICY.evaluate(update(INTERACTED, request), NOW).message()).isEqualTo(
                "The given annotation has a negative duration set in the Pod object: "
                        + "box.com/podExtendedDuration=-5m (an extension can only add time)");
    }

    // -extension-groups: only members of the listed groups may extend.

    @Test
    void shouldDenyAnExtensionFromAUserInNoneOfTheExtensionGroupsNamingTheRule() {
        PodUpdatePolicy onlyOncall = new PodUpdatePolicy(PodKeys.DEFAULT, Duration.ofHours(24), true,
                Set.of("oncall", "sre"));
        String request = INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"1h\"}";

        PodUpdatePolicy.Verdict verdict = onlyOncall.evaluate(update(INTERACTED, request), NOW);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.extensionDenied()).isTrue();
        assertThat(verdict.message()).isEqualTo("Extension denied by the rule -extension-groups: only members of "
                + "oncall, sre may set box.com/podExtendedDuration, and user 'bob@example.com' is in none of them");
    }

    @Test
    void shouldQueueAnExtensionFromAMemberOfAnExtensionGroup() {
        PodUpdatePolicy devsMayExtend = new PodUpdatePolicy(PodKeys.DEFAULT, Duration.ofHours(24), true,
                Set.of("oncall", "devs"));
        String request = INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"1h\"}";

        PodUpdatePolicy.Verdict verdict = devsMayExtend.evaluate(update(INTERACTED, request), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.extension()).isPresent();
    }

    @Test
    void shouldNotApplyTheExtensionGroupsToOtherChanges() {
        PodUpdatePolicy onlyOncall = new PodUpdatePolicy(PodKeys.DEFAULT, Duration.ofHours(24), true,
                Set.of("oncall"));
        String relabelled = INTERACTED.replace("\"app\":\"web\"", "\"app\":\"web2\"");

        assertThat(onlyOncall.evaluate(update(INTERACTED, relabelled), NOW).allowed()).isTrue();
    }

    @Test
    void shouldMarkEveryRefusedExtensionAsADeniedExtension() {
        String invalid = INTERACTED + ",\"annotations\":{\"box.com/podExtendedDuration\":\"soon\"}";
        String removal = "\"labels\":{\"app\":\"web\"}";

        assertThat(POLICY.evaluate(update(INTERACTED, invalid), NOW).extensionDenied()).isTrue();
        assertThat(POLICY.evaluate(update(INTERACTED, removal), NOW).extensionDenied()).isFalse();
    }

    // The opt-out label comes with the pod's creation only: adding it later would let anyone escape tracking.

    @Test
    void shouldDenyAddingTheOptOutLabelToAnExistingPod() {
        String optedOut = "\"labels\":{\"app\":\"web\",\"box.com/podInteractionTracking\":\"disabled\"}";

        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(update("\"labels\":{\"app\":\"web\"}", optedOut), NOW);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message()).isEqualTo(
                "The Pod label box.com/podInteractionTracking=disabled can only be set when the Pod is created");
    }

    @Test
    void shouldAllowKeepingOrRemovingAnOptOutLabelThePodWasCreatedWith() {
        String optedOut = "\"labels\":{\"app\":\"web\",\"box.com/podInteractionTracking\":\"disabled\"}";
        String relabelled = optedOut.replace("\"web\"", "\"web2\"");

        assertThat(POLICY.evaluate(update(optedOut, relabelled), NOW).allowed()).isTrue();
        assertThat(POLICY.evaluate(update(optedOut, "\"labels\":{\"app\":\"web\"}"), NOW).allowed()).isTrue();
    }

    // The deny label comes with the pod's creation and stays: added or removed later, it would be a policy nobody set.

    @ParameterizedTest(name = "labels {0} -> {1}: allowed={2}")
    @CsvSource(delimiter = '|', textBlock = """
            "app":"web"                                       | "app":"web","box.com/podInteractionPolicy":"deny"  | false
            "app":"web","box.com/podInteractionPolicy":"deny" | "app":"web"                                       | false
            "app":"web","box.com/podInteractionPolicy":"deny" | "app":"web","box.com/podInteractionPolicy":"allow" | false
            "app":"web","box.com/podInteractionPolicy":"deny" | "app":"web2","box.com/podInteractionPolicy":"deny" | true
            "app":"web"                                       | "app":"web","box.com/podInteractionPolicy":"Deny"  | true
            """)
    void shouldDenyAddingOrRemovingTheDenyLabelOnAnExistingPod(String before, String after, boolean allowed) {
        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(update("\"labels\":{" + before + "}",
                "\"labels\":{" + after + "}"), NOW);

        assertThat(verdict.allowed()).isEqualTo(allowed);
        if (!allowed) {
            assertThat(verdict.message()).isEqualTo("The Pod label box.com/podInteractionPolicy=deny can only be set "
                    + "when the Pod is created, and cannot be removed");
        }
    }

    // kubectl debug: a new ephemeral container is an interaction.

    private static final String DEBUGGER = """
            {"name":"debugger-x7k2p","image":"busybox","command":["sh"],"args":["-c","id"],\
            "stdin":true,"tty":true,"targetContainerName":"app"}""";

    @Test
    void shouldRecordADebugInteractionWhenAnEphemeralContainerIsAddedToAPod() {
        String before = """
                {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop"},
                 "spec":{"containers":[{"name":"app","image":"nginx"}]}}""";
        String after = """
                {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop"},
                 "spec":{"containers":[{"name":"app","image":"nginx"}],"ephemeralContainers":[%s]}}"""
                .formatted(DEBUGGER);

        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(review("ephemeralcontainers", before, after), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.extension()).isEmpty();
        assertThat(verdict.interaction()).contains(new Interaction("shop", "web-0", "bob@example.com",
                List.of("devs", "system:authenticated"), InteractionKind.DEBUG, "debugger-x7k2p",
                List.of("sh", "-c", "id"), NOW));
    }

    @Test
    void shouldRecordADebugInteractionFromTheOlderEphemeralContainersShape() {
        // API servers 1.16-1.21 send an EphemeralContainers object on pods/ephemeralcontainers, not a Pod.
        String before = """
                {"kind":"EphemeralContainers","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop"},
                 "ephemeralContainers":[]}""";
        String after = """
                {"kind":"EphemeralContainers","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop"},
                 "ephemeralContainers":[%s]}""".formatted(DEBUGGER);

        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(review("ephemeralcontainers", before, after), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.interaction()).map(Interaction::kind).contains(InteractionKind.DEBUG);
        assertThat(verdict.interaction()).map(Interaction::container).contains("debugger-x7k2p");
        assertThat(verdict.interaction()).map(Interaction::command).contains(List.of("sh", "-c", "id"));
    }

    @Test
    void shouldRecordOnlyTheNewlyAddedEphemeralContainer() {
        String first = "{\"name\":\"debugger-aaaaa\",\"image\":\"busybox\"}";
        String before = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-0\"},"
                + "\"spec\":{\"ephemeralContainers\":[" + first + "]}}";
        String after = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-0\"},"
                + "\"spec\":{\"ephemeralContainers\":[" + first + "," + DEBUGGER + "]}}";

        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(review("ephemeralcontainers", before, after), NOW);

        assertThat(verdict.interaction()).map(Interaction::container).contains("debugger-x7k2p");
    }

    @Test
    void shouldRecordNothingWhenTheEphemeralContainersAreUnchanged() {
        String pod = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-0\"},"
                + "\"spec\":{\"ephemeralContainers\":[" + DEBUGGER + "]}}";

        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(review("ephemeralcontainers", pod, pod), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.interaction()).isEmpty();
    }

    @Test
    void shouldRecordNothingForADebugContainerWhenDebugIsNotAnInteraction() {
        String before = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-0\"},\"spec\":{}}";
        String after = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-0\"},"
                + "\"spec\":{\"ephemeralContainers\":[" + DEBUGGER + "]}}";

        PodUpdatePolicy.Verdict verdict = new PodUpdatePolicy(PodKeys.DEFAULT, Duration.ofHours(24), false, Set.of())
                .evaluate(review("ephemeralcontainers", before, after), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.interaction()).isEmpty();
    }

    @Test
    void shouldAllowAStatusUpdateWithoutLookingAtIt() {
        PodUpdatePolicy.Verdict verdict = POLICY.evaluate(review("status", pod(INTERACTED), pod(INTERACTED)), NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.extension()).isEmpty();
        assertThat(verdict.interaction()).isEmpty();
    }

    // A new installation may choose another key prefix.

    private static final PodUpdatePolicy CUSTOM =
            new PodUpdatePolicy(new PodKeys("example.org/"), Duration.ofHours(24), true, Set.of());
    private static final String CUSTOM_INTERACTED = """
            "labels":{"app":"web","example.org/podInitialInteractionTimestamp":"1634408037",\
            "example.org/podInteractorUsername":"alice","example.org/podTTLDuration":"10m0s"}""";

    @Test
    void shouldProtectTheLabelsOfACustomPrefixAndNameThemInTheMessage() {
        PodUpdatePolicy.Verdict verdict = CUSTOM.evaluate(update(CUSTOM_INTERACTED, """
                "labels":{"app":"web","example.org/podInteractorUsername":"alice"}"""), NOW);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message()).isEqualTo("The following Pod labels cannot be updated or removed once set: "
                + "example.org/podInitialInteractionTimestamp example.org/podTTLDuration");
    }

    @Test
    void shouldLeaveTheDefaultPrefixsLabelsAloneUnderACustomPrefix() {
        PodUpdatePolicy.Verdict verdict = CUSTOM.evaluate(update(INTERACTED, "\"labels\":{\"app\":\"web\"}"), NOW);

        assertThat(verdict.allowed()).isTrue();
    }

    @Test
    void shouldQueueAnExtensionUnderACustomPrefixAndIgnoreTheDefaultAnnotation() {
        PodUpdatePolicy.Verdict verdict = CUSTOM.evaluate(update(CUSTOM_INTERACTED, CUSTOM_INTERACTED + """
                ,"annotations":{"example.org/podExtendedDuration":"1h","box.com/podExtendedDuration":"soon"}"""),
                NOW);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.extension()).map(ExtensionRequest::extension).contains(Duration.ofHours(1));
    }

    @Test
    void shouldDenyAnInvalidExtensionUnderACustomPrefixNamingThatKey() {
        PodUpdatePolicy.Verdict verdict = CUSTOM.evaluate(update(CUSTOM_INTERACTED, CUSTOM_INTERACTED + """
                ,"annotations":{"example.org/podExtendedDuration":"soon"}"""), NOW);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message()).isEqualTo(
                "The given annotation has an invalid value set in the Pod object: example.org/podExtendedDuration");
    }
}
