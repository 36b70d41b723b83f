package io.kubeexec.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Harmless commands, exempt users and groups, and deny by label, with a real {@code kubectl exec} and
 * {@code kubectl cp} on a real kube-apiserver v1.20.2. The TTL is 0 and the scan runs every second, so a pod that is
 * made evictable is gone within seconds: one that stays never was. No kubelet runs, so an admitted exec fails after
 * admission ("does not have a host assigned"); a denied one fails with the controller's message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteractionPolicyIT {

    private static final String NS = "policy";
    private static final String ADMITTED = "does not have a host assigned";

    private RealApiServer apiServer;
    private Path kubeconfig;
    private KubernetesClient kube;
    private ControllerProcess controller;

    @BeforeAll
    void start() throws Exception {
        apiServer = RealApiServer.start();
        kubeconfig = apiServer.kubeconfig();
        kube = apiServer.kube();
        controller = ControllerProcess.start("policy-controller", kubeconfig,
                "-ttl-seconds", "0",
                "-scan-interval", "1s",
                "-shutdown-delay", "0s",
                "-harmless-commands", "ls,cat",
                "-exempt-users", "velero",
                "-exempt-groups", "ci").awaitReady();
        createNamespace(NS, Map.of());
        String base = "https://127.0.0.1:" + controller.port();
        TestWebhooks.register(kube, "kube-exec-controller-policy", TestWebhooks.interaction(base),
                TestWebhooks.podUpdate(base));
        // Anyone may exec here, so that impersonated users reach the webhook.
        kubectl("create", "clusterrole", "exec", "--verb=get,create", "--resource=pods,pods/exec,pods/attach");
        kubectl("create", "clusterrolebinding", "exec", "--clusterrole=exec", "--group=system:authenticated");
        // The API server picks up webhook configurations asynchronously: wait until an exec is recorded.
        createPod(NS, "canary", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            kubectl("exec", "-n", NS, "canary", "--", "true");
            Pod canary = kube.pods().inNamespace(NS).withName("canary").get();
            return canary == null || canary.getMetadata().getAnnotations() != null;
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @Test
    void aHarmlessKubectlExecIsRecordedAndAnnouncedButThePodIsNeverEvictedWhileAShellsIs() {
        createPod(NS, "harmless", Map.of());
        createPod(NS, "shell", Map.of());

        Command harmless = kubectl("exec", "-n", NS, "harmless", "--", "ls", "-l", "/");
        Command shell = kubectl("exec", "-n", NS, "shell", "--", "sh", "-c", "cat /etc/hostname");

        assertThat(harmless.stderr()).contains(ADMITTED);
        assertThat(shell.stderr()).contains(ADMITTED);
        await().atMost(Duration.ofSeconds(20)).until(() -> kube.pods().inNamespace(NS).withName("shell").get() == null);
        await().atMost(Duration.ofSeconds(20)).until(() -> !eventMessages("harmless").isEmpty());
        assertThat(eventMessages("harmless")).allSatisfy(m -> assertThat(m)
                .startsWith("Pod was interacted with the harmless command 'ls -l /' by a user '")
                .endsWith("(listed by -harmless-commands): it sets no TTL and does not make the pod evictable"));
        // Several more scans, each of which evicts a labelled pod with a TTL of 0.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> kube.pods().inNamespace(NS).withName("harmless").get() != null);
        Pod pod = kube.pods().inNamespace(NS).withName("harmless").get();
        assertThat(pod.getMetadata().getLabels()).doesNotContainKey("box.com/podInitialInteractionTimestamp")
                .doesNotContainKey("box.com/podTTLDuration");
        assertThat(pod.getMetadata().getAnnotations().get("box.com/podInteractions"))
                .contains("\"command\":[\"ls\",\"-l\",\"/\"]");
    }

    @Test
    void anExemptUserAndAnExemptGroupsMemberExecUntrackedAndCounted() throws Exception {
        createPod(NS, "backed-up", Map.of());

        Command byName = kubectl("exec", "-n", NS, "backed-up", "--as=velero", "--", "tar", "cf", "-", "/data");
        Command byGroup = kubectl("exec", "-n", NS, "backed-up", "--as=runner", "--as-group=ci", "--", "rm", "x");

        assertThat(byName.stderr()).contains(ADMITTED);
        assertThat(byGroup.stderr()).contains(ADMITTED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(controller.log())
                .contains("pod=policy/backed-up user=velero kind=cp")
                .contains("decision=allowed, not tracked: -exempt-users lists velero")
                .contains("decision=allowed, not tracked: -exempt-groups lists ci"));
        assertThat(controller.health("/metrics").body())
                .containsPattern("kube_exec_controller_exempt_interactions_total\\{by=\"user\"} [1-9]")
                .containsPattern("kube_exec_controller_exempt_interactions_total\\{by=\"group\"} [1-9]");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> !recorded("backed-up"));
    }

    @Test
    void aDenyLabelOnANamespaceAppliesAtOnceAndOnAPodForItsLifeEvenToAnExemptUser() throws Exception {
        createNamespace("locked", Map.of());
        createPod("locked", "vault", Map.of());
        createPod(NS, "sealed", Map.of("box.com/podInteractionPolicy", "deny"));
        createPod(NS, "open", Map.of());

        assertThat(kubectl("label", "namespace", "locked", "box.com/podInteractionPolicy=deny").exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                kubectl("exec", "-n", "locked", "vault", "--as=velero", "--", "ls").stderr())
                .contains("kubectl exec is denied by the namespace's label box.com/podInteractionPolicy=deny"));
        Command exec = kubectl("exec", "-n", NS, "sealed", "--", "ls");
        Command cp = kubectl("cp", NS + "/sealed:/etc/hostname", Path.of("target", "policy-cp.txt").toString());
        // kubectl attach waits for the pod to run, which it never does here: POST the subresource.
        Path empty = Files.createTempFile("policy-attach", ".txt");
        Command attach = kubectl("create", "--raw", "/api/v1/namespaces/" + NS + "/pods/sealed/attach?stdout=true",
                "-f", empty.toString());
        Command unlabel = kubectl("label", "pod", "-n", NS, "sealed", "box.com/podInteractionPolicy-");
        Command label = kubectl("label", "pod", "-n", NS, "open", "box.com/podInteractionPolicy=deny");

        assertThat(exec.stderr()).contains("kubectl exec is denied by the pod's label box.com/podInteractionPolicy=deny");
        assertThat(cp.stderr()).contains("kubectl cp is denied by the pod's label box.com/podInteractionPolicy=deny");
        assertThat(attach.stderr()).contains("kubectl attach is denied by the pod's label");
        for (Command refused : List.of(unlabel, label)) {
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("The Pod label box.com/podInteractionPolicy=deny can only be set "
                    + "when the Pod is created, and cannot be removed");
        }
        assertThat(controller.health("/metrics").body())
                .containsPattern("kube_exec_controller_policy_denials_total\\{kind=\"exec\"} [1-9]")
                .containsPattern("kube_exec_controller_policy_denials_total\\{kind=\"cp\"} [1-9]");
        assertThat(recorded("sealed")).isFalse();
    }

    private void createNamespace(String name, Map<String, String> labels) {
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).create();
    }

    private void createPod(String namespace, String name, Map<String, String> labels) {
        kube.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", "policy").addToLabels(labels)
                // An owner to recreate it, as the pods that are evicted have.
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("policy-rs")
                .withUid("4b7e4a4e-0000-4000-8000-000000000027").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec()
                .build()).create();
    }

    /** Whether the pod of {@value #NS} has a history: whether any interaction with it was recorded. */
    private boolean recorded(String pod) {
        Map<String, String> annotations = kube.pods().inNamespace(NS).withName(pod).get().getMetadata()
                .getAnnotations();
        return annotations != null && annotations.containsKey("box.com/podInteractions");
    }

    /** Core/v1 Events of a pod of {@value #NS}, as {@code kubectl describe pod} shows them. */
    private List<String> eventMessages(String pod) {
        return kube.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName())).map(Event::getMessage).toList();
    }

    private Command kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return Command.run(command, Map.of(), Duration.ofSeconds(60));
    }
}
