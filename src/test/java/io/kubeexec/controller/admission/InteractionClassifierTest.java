package io.kubeexec.controller.admission;

import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which CONNECT requests are interactions, and of which kind. The reviews are shaped as the API server sends them. */
class InteractionClassifierTest {

    private static final Instant NOW = Instant.parse("2021-10-16T18:06:44Z");
    private static final InteractionClassifier CLASSIFIER = new InteractionClassifier(true);

    static AdmissionRequest review(String operation, String resource, String subResource, String object) {
        String json = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                  "uid":"705ab4f5-6393-11e8-b7cc-42010a800002",
                  "kind":{"group":"","version":"v1","kind":"PodExecOptions"},
                  "resource":{"group":"","version":"v1","resource":"%s"},
                  "subResource":"%s",
                  "requestKind":{"group":"","version":"v1","kind":"PodExecOptions"},
                  "requestResource":{"group":"","version":"v1","resource":"%s"},
                  "requestSubResource":"%s",
                  "name":"web-0","namespace":"shop","operation":"%s",
                  "userInfo":{"username":"alice@example.com","uid":"1","groups":["devs","system:authenticated"]},
                  "object":%s,
                  "oldObject":null,"dryRun":false,
                  "options":null}}
                """.formatted(resource, subResource, resource, subResource, operation, object);
        try {
            return AdmissionRequest.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (AdmissionRequest.MalformedReviewException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            kubectl exec -it web-0 -c app -- sh is an exec of sh in app | exec | {"kind":"PodExecOptions","apiVersion":"v1","stdin":true,"stdout":true,"tty":true,"container":"app","command":["sh"]} | EXEC | app | sh
            kubectl exec with several words keeps the whole command | exec | {"kind":"PodExecOptions","apiVersion":"v1","stdout":true,"container":"app","command":["ls","-l","/tmp"]} | EXEC | app | ls -l /tmp
            an exec with no container is an exec of the default container | exec | {"kind":"PodExecOptions","apiVersion":"v1","stdout":true,"command":["date"]} | EXEC | '' | date
            an exec with no command at all is still an exec | exec | {"kind":"PodExecOptions","apiVersion":"v1","container":"app"} | EXEC | app | ''
            kubectl attach sends no command and is an attach | attach | {"kind":"PodAttachOptions","apiVersion":"v1","stdin":true,"stdout":true,"tty":true,"container":"app"} | ATTACH | app | ''
            an attach with neither container nor command is an attach | attach | {"kind":"PodAttachOptions","apiVersion":"v1"} | ATTACH | '' | ''
            kubectl cp to a pod is an exec of tar and counts as cp | exec | {"kind":"PodExecOptions","apiVersion":"v1","stdin":true,"container":"app","command":["tar","xmf","-","-C","/tmp"]} | CP | app | tar xmf - -C /tmp
            kubectl cp from a pod is an exec of tar and counts as cp | exec | {"kind":"PodExecOptions","apiVersion":"v1","stdout":true,"command":["tar","cf","-","/etc/hosts"]} | CP | '' | tar cf - /etc/hosts
            an exec of /bin/tar counts as cp | exec | {"kind":"PodExecOptions","apiVersion":"v1","command":["/bin/tar","cf","-","/data"]} | CP | '' | /bin/tar cf - /data
            an exec of /usr/bin/tar counts as cp | exec | {"kind":"PodExecOptions","apiVersion":"v1","command":["/usr/bin/tar","cf","-","/data"]} | CP | '' | /usr/bin/tar cf - /data
            an exec of a program merely ending in tar is an exec | exec | {"kind":"PodExecOptions","apiVersion":"v1","command":["guitar"]} | EXEC | '' | guitar
            kubectl cp into a pod first probes with test -d and counts as cp | exec | {"kind":"PodExecOptions","apiVersion":"v1","stdout":true,"stderr":true,"container":"app","command":["test","-d","/tmp"]} | CP | app | test -d /tmp
            an exec of tar through a shell is an exec | exec | {"kind":"PodExecOptions","apiVersion":"v1","command":["sh","-c","tar cf - /data"]} | EXEC | '' | sh -c tar cf - /data
            kubectl port-forward is a portforward | portforward | {"kind":"PodPortForwardOptions","apiVersion":"v1","ports":[8080]} | PORTFORWARD | '' | ''
            a port-forward without ports is a portforward | portforward | {"kind":"PodPortForwardOptions","apiVersion":"v1"} | PORTFORWARD | '' | ''
            """)
    void aConnectToAPodIsAnInteractionOfItsKind(String behaviour, String subResource, String object,
            InteractionKind kind, String container, String command) {
        Optional<Interaction> interaction = CLASSIFIER.classify(review("CONNECT", "pods", subResource, object), NOW);

        assertThat(interaction).isPresent();
        assertThat(interaction.get().kind()).isEqualTo(kind);
        assertThat(interaction.get().command()).doesNotContain("");
        assertThat(interaction.get().container()).isEqualTo(container);
        assertThat(String.join(" ", interaction.get().command())).isEqualTo(command);
    }

    @ParameterizedTest(name = "what kubectl {0} sends for {1} is {2}")
    @CsvSource(delimiterString = "=>", textBlock = """
            1.20 => cp-into-probe.json  => CP   => test -d /tmp
            1.20 => cp-into-tar.json    => CP   => tar -xmf - -C /tmp
            1.20 => cp-out.json         => CP   => tar cf - /etc/hosts
            1.20 => exec.json           => EXEC => ls /tmp
            1.32 => cp-into-probe.json  => CP   => test -d /tmp
            1.32 => cp-into-tar.json    => CP   => tar -xmf - -C /tmp
            1.32 => cp-out.json         => CP   => tar cf - /etc/hosts
            1.32 => cp-out-retries.json => CP   => sh -c tar cf - /etc/hosts | tail -c+0
            1.32 => exec-websocket.json => EXEC => ls /tmp
            1.32 => exec-spdy.json      => EXEC => ls /tmp
            """)
    void whatKubectlReallySendsCountsAsWhatTheUserRan(String version, String fixture, InteractionKind kind,
            String command) throws Exception {
        AdmissionRequest request = AdmissionRequest.parse(TestController.fixture("kubectl-" + version + "/" + fixture)
                .getBytes(StandardCharsets.UTF_8));

        Interaction interaction = CLASSIFIER.classify(request, NOW).orElseThrow();

        assertThat(interaction.kind()).isEqualTo(kind);
        assertThat(String.join(" ", interaction.command())).isEqualTo(command);
        assertThat(interaction.container()).isEqualTo("web");
        assertThat(interaction.username()).isEqualTo("kubernetes-admin");
    }

    @Test
    void anInteractionCarriesThePodTheUserTheGroupsAndTheTime() {
        Interaction interaction = CLASSIFIER.classify(review("CONNECT", "pods", "exec",
                "{\"kind\":\"PodExecOptions\",\"container\":\"app\",\"command\":[\"sh\"]}"), NOW).orElseThrow();

        assertThat(interaction).isEqualTo(new Interaction("shop", "web-0", "alice@example.com",
                List.of("devs", "system:authenticated"), InteractionKind.EXEC, "app", List.of("sh"), NOW));
    }

    @Test
    void anExecWithoutUserInfoIsStillAnInteractionByAnEmptyUsername() throws Exception {
        AdmissionRequest request = AdmissionRequest.parse("""
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
                 "resource":{"group":"","version":"v1","resource":"pods"},"subResource":"exec",
                 "name":"web-0","namespace":"shop","operation":"CONNECT",
                 "object":{"kind":"PodExecOptions","command":["sh"]}}}
                """.getBytes(StandardCharsets.UTF_8));

        Interaction interaction = CLASSIFIER.classify(request, NOW).orElseThrow();

        assertThat(interaction.username()).isEmpty();
        assertThat(interaction.groups()).isEmpty();
    }

    @Test
    void anExecWithoutAnObjectIsStillAnExec() throws Exception {
        AdmissionRequest request = AdmissionRequest.parse("""
                {"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u1",
                 "resource":{"group":"","version":"v1","resource":"pods"},"subResource":"exec",
                 "name":"web-0","namespace":"shop","operation":"CONNECT","userInfo":{"username":"bob"}}}
                """.getBytes(StandardCharsets.UTF_8));

        Interaction interaction = CLASSIFIER.classify(request, NOW).orElseThrow();

        assertThat(interaction.kind()).isEqualTo(InteractionKind.EXEC);
        assertThat(interaction.container()).isEmpty();
        assertThat(interaction.command()).isEmpty();
    }

    @Test
    void aPortForwardIsNotAnInteractionWhenThatIsSwitchedOff() {
        AdmissionRequest portForward = review("CONNECT", "pods", "portforward",
                "{\"kind\":\"PodPortForwardOptions\",\"apiVersion\":\"v1\",\"ports\":[8080]}");

        assertThat(new InteractionClassifier(false).classify(portForward, NOW)).isEmpty();
    }

    @Test
    void execAndAttachStayInteractionsWhenPortForwardIsSwitchedOff() {
        InteractionClassifier classifier = new InteractionClassifier(false);

        assertThat(classifier.classify(review("CONNECT", "pods", "exec", "{\"command\":[\"sh\"]}"), NOW))
                .map(Interaction::kind).contains(InteractionKind.EXEC);
        assertThat(classifier.classify(review("CONNECT", "pods", "attach", "{}"), NOW))
                .map(Interaction::kind).contains(InteractionKind.ATTACH);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an UPDATE of a pod is not an interaction                | UPDATE  | pods     | ''          | {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0"}}
            a CREATE of a pod is not an interaction                 | CREATE  | pods     | ''          | {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0"}}
            a DELETE of a pod is not an interaction                 | DELETE  | pods     | ''          | null
            a CREATE on pods/exec is not a CONNECT                  | CREATE  | pods     | exec        | {"command":["sh"]}
            an UPDATE of pods/ephemeralcontainers is not a CONNECT  | UPDATE  | pods     | ephemeralcontainers | {"kind":"Pod","apiVersion":"v1"}
            a CONNECT to pods/proxy is not an interaction           | CONNECT | pods     | proxy       | {"kind":"PodProxyOptions","apiVersion":"v1","path":"/"}
            a CONNECT to pods/log is not an interaction             | CONNECT | pods     | log         | {}
            a CONNECT to the pod itself is not an interaction       | CONNECT | pods     | ''          | {}
            a CONNECT to nodes/proxy is not an interaction          | CONNECT | nodes    | proxy       | {"kind":"NodeProxyOptions","apiVersion":"v1"}
            a CONNECT to services/proxy is not an interaction       | CONNECT | services | proxy       | {"kind":"ServiceProxyOptions","apiVersion":"v1"}
            a CONNECT to an exec of another resource is not a pod exec | CONNECT | widgets | exec     | {"command":["sh"]}
            """)
    void otherRequestsAreNotInteractions(String behaviour, String operation, String resource, String subResource,
            String object) {
        assertThat(CLASSIFIER.classify(review(operation, resource, subResource, object), NOW)).isEmpty();
    }
}
