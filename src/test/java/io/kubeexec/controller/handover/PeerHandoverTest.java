package io.kubeexec.controller.handover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kubeexec.controller.admission.AdmissionRequest;
import io.kubeexec.controller.admission.AdmissionResponse;
import io.kubeexec.controller.pending.PendingWork;
import io.kubeexec.controller.support.Reviews;
import io.kubeexec.controller.support.TestController;
import io.kubeexec.controller.tls.ClientCertificateTrust;
import io.kubeexec.controller.tls.PemKeyStore;
import io.kubeexec.controller.tls.ReloadingKeyManager;
import io.kubeexec.controller.work.Interaction;
import io.kubeexec.controller.work.InteractionKind;
import io.kubeexec.controller.work.Replay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handing work over to a peer's webhook over real TLS: only an {@code allowed} answer for the very review sent
 * counts; a refusal, an answer for another review, a peer with a certificate that is not ours, or no peer at all
 * leaves the work with this replica, which then logs it as lost.
 */
class PeerHandoverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CERT = TestController.resource("tls/tls.crt");
    private static final Path KEY = TestController.resource("tls/tls.key");

    /** What a fake peer received: the path, the hand-over header and the review. */
    record Received(String path, String from, JsonNode review) {
    }

    private final List<HttpsServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
    }

    @Test
    void aPeerThatAllowsEachReviewTakesAllTheWorkAsTheApiServerWouldHaveSentIt() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        int peer = peer(CERT, KEY, received, review -> allowed(review));
        List<PendingWork.Item> items = items(3);

        PeerHandover.Result result = handover("https://127.0.0.1:" + peer).offer(items, in(10));

        assertThat(result.handedOver()).containsExactlyElementsOf(items);
        assertThat(result.notHandedOver()).isEmpty();
        assertThat(received).hasSize(3).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/admit-pod-interaction");
            assertThat(r.from()).isEqualTo("replica-a");
        });
        List<AdmissionRequest> replayed = new ArrayList<>();
        for (Received r : received) {
            replayed.add(AdmissionRequest.parse(JSON.writeValueAsBytes(r.review())));
        }
        assertThat(replayed).containsExactlyInAnyOrderElementsOf(items.stream().map(PeerHandoverTest::request)
                .toList());
    }

    @Test
    void aPeerThatRefusesGetsNothingMoreAndTheNextPeerTakesTheRest() throws Exception {
        List<Received> stopping = new CopyOnWriteArrayList<>();
        List<Received> ready = new CopyOnWriteArrayList<>();
        int first = peer(CERT, KEY, stopping, review -> denied(review, "this replica is shutting down"));
        int second = peer(CERT, KEY, ready, review -> allowed(review));
        List<PendingWork.Item> items = items(60);

        PeerHandover.Result result = handover("https://127.0.0.1:" + first + ",https://127.0.0.1:" + second)
                .offer(items, in(30));

        // A few reviews are in flight when the first refusal comes back; none is sent after it.
        assertThat(stopping).isNotEmpty().hasSizeLessThan(items.size());
        assertThat(ready).hasSize(items.size());
        assertThat(result.handedOver()).containsExactlyElementsOf(items);
        assertThat(result.refusals()).singleElement().asString().contains(":" + first + ": denied: this replica is"
                + " shutting down");
    }

    @Test
    void onlyAnAllowedAnswerForTheReviewSentCounts() throws Exception {
        int otherUid = peer(CERT, KEY, new CopyOnWriteArrayList<>(), review -> AdmissionResponse.allowed(
                "admission.k8s.io/v1", "some-other-uid"));
        int notJson = peer(CERT, KEY, new CopyOnWriteArrayList<>(), review -> "<html>ok</html>");

        assertThat(handover("https://127.0.0.1:" + otherUid).offer(items(1), in(10)).refusals())
                .singleElement().asString().contains("an answer for another review");
        assertThat(handover("https://127.0.0.1:" + notJson).offer(items(1), in(10)).refusals())
                .singleElement().asString().contains("not an AdmissionReview");
    }

    @Test
    void aPeerWithACertificateThatIsNotOursOrNoPeerAtAllTakesNothing(@TempDir Path dir) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", "stranger.key", "-out", "stranger.crt", "-subj", "/CN=127.0.0.1", "-days", "2",
                "-addext", "subjectAltName=IP:127.0.0.1").directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl").isTrue();
        List<Received> received = new CopyOnWriteArrayList<>();
        int stranger = peer(dir.resolve("stranger.crt"), dir.resolve("stranger.key"), received, review -> allowed(review));
        int nobody = TestController.freePort();
        List<PendingWork.Item> items = items(2);

        PeerHandover.Result result = handover("https://127.0.0.1:" + stranger + ",https://127.0.0.1:" + nobody)
                .offer(items, in(10));

        assertThat(received).isEmpty();
        assertThat(result.handedOver()).isEmpty();
        assertThat(result.notHandedOver()).containsExactlyElementsOf(items);
        assertThat(result.refusals()).hasSize(2).allSatisfy(r -> assertThat(r).contains("no answer"));
    }

    @Test
    void wherePeersRequireAClientCertificateThisReplicaPresentsItsServingCertificate() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        int peer = peer(CERT, KEY, received, review -> allowed(review), CERT);

        PeerHandover.Result result = handover("https://127.0.0.1:" + peer).offer(items(2), in(10));

        assertThat(result.handedOver()).hasSize(2);
        assertThat(received).hasSize(2);
    }

    @Test
    void aPeerListensOnlyWhereAListenerIs() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        int peer = peer(CERT, KEY, received, review -> allowed(review));
        int nobody = TestController.freePort();

        assertThat(handover("https://127.0.0.1:" + nobody + ",https://127.0.0.1:" + peer).anyPeerListens()).isTrue();
        assertThat(handover("https://127.0.0.1:" + nobody).anyPeerListens()).isFalse();
        assertThat(received).as("a connection, not a review").isEmpty();
    }

    @Test
    void nothingIsSentOnceTheShutdownBudgetIsSpent() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        int peer = peer(CERT, KEY, received, review -> allowed(review));

        PeerHandover.Result result = handover("https://127.0.0.1:" + peer).offer(items(2), Instant.now());

        assertThat(received).isEmpty();
        assertThat(result.notHandedOver()).hasSize(2);
        assertThat(result.refusals()).singleElement().asString().endsWith(": the shutdown budget ran out");
    }

    private PeerHandover handover(String peers) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new KeyManager[] {new ReloadingKeyManager(CERT, KEY, Clock.systemUTC())},
                new TrustManager[] {new PeerTrust(CERT)}, null);
        return new PeerHandover(HandoverPeers.parse(peers, 1), tls, "replica-a", Clock.systemUTC());
    }

    private static AdmissionRequest request(PendingWork.Item item) {
        try {
            return AdmissionRequest.parse(item.replay().review());
        } catch (AdmissionRequest.MalformedReviewException e) {
            throw new AssertionError(e);
        }
    }

    private static List<PendingWork.Item> items(int count) throws Exception {
        PendingWork pending = new PendingWork(Clock.systemUTC());
        for (int i = 0; i < count; i++) {
            AdmissionRequest request = AdmissionRequest.parse(
                    Reviews.exec("shop", "web-" + i, "alice").getBytes(StandardCharsets.UTF_8));
            Interaction work = new Interaction("shop", "web-" + i, "alice", List.of(), InteractionKind.EXEC, "web",
                    List.of("sh"), java.time.Instant.now());
            pending.accept(work, new Replay("/admit-pod-interaction", request.uid(), request.replayable()));
        }
        return pending.items();
    }

    /** A fake peer webhook on 127.0.0.1 serving {@code cert}, answering each review with {@code answer}. */
    private int peer(Path cert, Path key, List<Received> received, Function<JsonNode, String> answer)
            throws Exception {
        return peer(cert, key, received, answer, null);
    }

    /** With {@code clientCa}, the peer requires a client certificate it issued, as -client-ca-path does. */
    private int peer(Path cert, Path key, List<Received> received, Function<JsonNode, String> answer, Path clientCa)
            throws Exception {
        KeyStore keys = PemKeyStore.load(cert, key);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PemKeyStore.PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), clientCa == null ? null
                : new TrustManager[] {new ClientCertificateTrust(clientCa, Clock.systemUTC())}, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setNeedClientAuth(clientCa != null);
                parameters.setSSLParameters(ssl);
            }
        });
        server.createContext("/", exchange -> {
            JsonNode review = JSON.readTree(exchange.getRequestBody());
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst(Replay.HANDOVER_HEADER), review));
            byte[] body = answer.apply(review).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    private static String allowed(JsonNode review) {
        return AdmissionResponse.allowed(review.path("apiVersion").asText(), review.path("request").path("uid")
                .asText());
    }

    private static String denied(JsonNode review, String message) {
        return AdmissionResponse.denied(review.path("apiVersion").asText(),
                review.path("request").path("uid").asText(), message);
    }

    private static Instant in(long seconds) {
        return Instant.now().plusSeconds(seconds);
    }
}
