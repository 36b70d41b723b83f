package io.kubeexec.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.contract.PodInteractions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real kubectl (1.32) on the real kube-apiserver 1.20.2, which has no WebSocket translator: kubectl tries a
 * WebSocket, the attempt fails after admission, and it tries again over SPDY, so the webhook sees every exec twice.
 * Two replicas each get every review (two webhooks, one per replica: the worst a Service can do is send the two
 * reviews to different replicas), so four reviews per exec. The pod's history holds each exec once, and kubectl cp's
 * execs as cp. No kubelet runs here: each exec fails after admission, which is all the webhook needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneRecordPerExecIT {

    private static final String NS = "once";
    private static final Pattern ALLOWED = Pattern.compile(
            "(?m)^(\\S+) INFO .*pod=" + NS + "/(\\S+) .*decision=allowed");

    private RealApiServer apiServer;
    private KubernetesClient kube;
    private final List<ControllerProcess> replicas = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        apiServer = RealApiServer.start();
        kube = apiServer.kube();
        for (String name : List.of("once-a", "once-b")) {
            replicas.add(ControllerProcess.start(name, apiServer.kubeconfig(), "-ttl-seconds", "600",
                    "-shutdown-delay", "0s"));
        }
        replicas.forEach(ControllerProcess::awaitReady);
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("kubernetes.io/metadata.name", NS).endMetadata().build()).create();
        TestWebhooks.register(kube, "kube-exec-controller-once", replicas.stream()
                .map(r -> new ValidatingWebhookBuilder(TestWebhooks.onlyIn(NS,
                        TestWebhooks.interaction("https://127.0.0.1:" + r.port())))
                        .withName(r.name() + ".kube-exec-controller.io").build())
                .toArray(io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook[]::new));
        // The API server picks up webhook configurations asynchronously: wait until an exec reaches both.
        createPod("canary");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            kubectl("exec", "-n", NS, "canary", "--", "true");
            return replicas.stream().allMatch(r -> r.log().contains("pod=" + NS + "/canary"));
        });
    }

    @AfterAll
    void stop() throws Exception {
        for (ControllerProcess replica : replicas) {
            replica.close();
        }
        if (apiServer != null) {
            apiServer.close();
        }
    }

    @Test
    void aKubectlExecSeenFourTimesByTwoReplicasIsOneEntryInThePodsHistory() throws Exception {
        createPod("exec-once");
        long repeatedBefore = repeatedReviews();

        kubectl("exec", "-n", NS, "exec-once", "--", "touch", "/tmp/drift");

        List<Instant> reviews = awaitReviews("exec-once", 4);
        List<PodInteractions.Entry> history = awaitHistory("exec-once", 1);
        // Long enough for a late second record to show up.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> history("exec-once").size() == 1);
        assertThat(history).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo("exec");
            assertThat(entry.command()).containsExactly("touch", "/tmp/drift");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(repeatedReviews() - repeatedBefore)
                .as("reviews not recorded again, over both replicas").isEqualTo(3));
        assertThat(events("exec-once")).extracting(Event::getAction).containsExactlyInAnyOrder("Interact", "Schedule");
        System.out.printf("OneRecordPerExecIT: the 4 reviews of one kubectl 1.32 exec reached the replicas %d ms apart"
                + " at most (the window: 2 s)%n", Duration.between(reviews.get(0), reviews.get(3)).toMillis());
    }

    @Test
    void aKubectlCpIntoAPodIsRecordedAsCpItsProbeAndItsTarOnceEach() throws Exception {
        createPod("copied-in");
        Path file = Files.createTempFile("once-cp", ".txt");
        Files.writeString(file, "hello");

        kubectl("cp", file.toString(), NS + "/copied-in:/tmp/");

        awaitReviews("copied-in", 8);
        List<PodInteractions.Entry> history = awaitHistory("copied-in", 2);
        assertThat(history).extracting(PodInteractions.Entry::kind).containsOnly("cp");
        // Without a kubelet the probe fails, so kubectl untars in / (with a kubelet: -C /tmp).
        assertThat(history).extracting(e -> String.join(" ", e.command()))
                .containsExactlyInAnyOrder("test -d /tmp", "tar -xmf - -C /");
        assertThat(awaitInteractMessage("copied-in")).startsWith("Pod was interacted with 'kubectl cp' command");
        Files.deleteIfExists(file);
    }

    @Test
    void aKubectlCpWithRetriesOutOfAPodIsRecordedAsCp() throws Exception {
        createPod("copied-out");
        Path target = Files.createTempFile("once-cp-out", ".txt");

        kubectl("cp", "--retries=2", NS + "/copied-out:/etc/hosts", target.toString());

        List<PodInteractions.Entry> history = awaitHistory("copied-out", 1);
        assertThat(history).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo("cp");
            assertThat(entry.command()).containsExactly("sh", "-c", "tar cf - /etc/hosts | tail -c+0");
        });
        assertThat(awaitInteractMessage("copied-out")).startsWith("Pod was interacted with 'kubectl cp' command");
        Files.deleteIfExists(target);
    }

    /** The times both replicas logged their answers for the pod, once there are {@code count}, sorted. */
    private List<Instant> awaitReviews(String pod, int count) {
        List<Instant> times = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            times.clear();
            for (ControllerProcess replica : replicas) {
                Matcher m = ALLOWED.matcher(replica.log());
                while (m.find()) {
                    if (m.group(2).equals(pod)) {
                        times.add(Instant.parse(m.group(1)));
                    }
                }
            }
            assertThat(times).as("reviews answered for " + pod).hasSize(count);
        });
        times.sort(null);
        return times;
    }

    private List<PodInteractions.Entry> awaitHistory(String pod, int entries) throws IOException {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(history(pod)).hasSize(entries));
        return history(pod);
    }

    private List<PodInteractions.Entry> history(String pod) throws IOException {
        Map<String, String> annotations = kube.pods().inNamespace(NS).withName(pod).get().getMetadata()
                .getAnnotations();
        String history = annotations == null ? null : annotations.get("box.com/podInteractions");
        return history == null ? List.of() : PodInteractions.read(new ObjectMapper().readValue(history, Object.class));
    }

    private long repeatedReviews() throws IOException {
        long total = 0;
        Pattern series = Pattern.compile("(?m)^kube_exec_controller_repeated_reviews_total\\{found_in=\"\\w+\"} (\\d+)$");
        for (ControllerProcess replica : replicas) {
            Matcher m = series.matcher(replica.health("/metrics").body());
            while (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    private List<Event> events(String pod) {
        String uid = kube.pods().inNamespace(NS).withName(pod).get().getMetadata().getUid();
        return kube.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> uid.equals(e.getInvolvedObject().getUid())).toList();
    }

    private String awaitInteractMessage(String pod) {
        await().atMost(Duration.ofSeconds(20)).until(() -> events(pod).stream()
                .anyMatch(e -> "Interact".equals(e.getAction())));
        return events(pod).stream().filter(e -> "Interact".equals(e.getAction())).findFirst().orElseThrow()
                .getMessage();
    }

    private void createPod(String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("busybox:1.35").endContainer().endSpec()
                .build();
        kube.pods().inNamespace(NS).resource(pod).create();
    }

    private Command kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", apiServer.kubeconfig().toString()));
        command.addAll(List.of(args));
        return Command.run(command, Map.of(), Duration.ofSeconds(60));
    }
}
