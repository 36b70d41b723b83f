package io.kubeexec.controller.handover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeexec.controller.pending.PendingWork;
import io.kubeexec.controller.work.Replay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * Offers this replica's unrecorded work to a peer at shutdown, by sending the peer's own webhook the review each
 * piece came from: the peer decides and queues it exactly as if the API server had sent it, and keeps it until the
 * API server answers. Only an answer {@code allowed} for that review's uid counts as taken over; a peer that refuses
 * (it is stopping too, its queue is full, it denies for -on-unrecordable) or does not answer is given nothing more,
 * and the next peer is tried.
 * <p>
 * The peer endpoint is the ordinary webhook, so this opens no way in that the webhook does not already have; where
 * the webhook port asks for client certificates, this replica presents its serving certificate.
 */
public final class PeerHandover {

    private static final Logger LOG = LoggerFactory.getLogger(PeerHandover.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A peer answers a review at once, but on a node busy enough the first round trips (each a TLS handshake) took
     * up to 4 s here; one that takes longer than this gets nothing more. The shutdown budget bounds it all anyway.
     */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    /**
     * Reviews in flight to one peer, each on its own kept-alive connection: a round trip took about 100 ms on a busy
     * machine, so four connections hand over 500 items (a full queue) in seconds without a burst of handshakes.
     */
    private static final int IN_FLIGHT = 4;
    private static final int CONNECT_WITHIN_MILLIS = 1000;

    /** What happened to the work offered. */
    public record Result(List<PendingWork.Item> handedOver, List<PendingWork.Item> notHandedOver,
            List<String> refusals) {
    }

    private final HandoverPeers peers;
    private final SSLContext tls;
    private final String instance;
    private final Clock clock;

    /** {@code tls}: this replica's key pair as client certificate, {@link PeerTrust} for the peers' certificates. */
    public PeerHandover(HandoverPeers peers, SSLContext tls, String instance, Clock clock) {
        this.peers = peers;
        this.tls = tls;
        this.instance = instance;
        this.clock = clock;
    }

    /**
     * Whether any peer accepts a connection now: without one, stopping the drain to hand over would only lose the
     * chance that the API server comes back in time. A connection, not a review: asking would have side effects.
     */
    public boolean anyPeerListens() {
        for (URI peer : peers.resolve()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(peer.getHost().replaceAll("^\\[|\\]$", ""),
                        peer.getPort() == -1 ? 443 : peer.getPort()), CONNECT_WITHIN_MILLIS);
                return true;
            } catch (IOException e) {
                LOG.debug("Peer {} does not listen: {}", peer, e.toString());
            }
        }
        return false;
    }

    /** Offers {@code items}, oldest first, to one peer after the other, until {@code deadline}. */
    public Result offer(List<PendingWork.Item> items, Instant deadline) {
        List<PendingWork.Item> left = new ArrayList<>();
        List<PendingWork.Item> unreplayable = new ArrayList<>();
        for (PendingWork.Item item : items) {
            // Queued by an operator's route without the review it came from: nothing to replay.
            (item.replay() == null ? unreplayable : left).add(item);
        }
        List<PendingWork.Item> handedOver = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        List<URI> candidates = peers.resolve();
        if (candidates.isEmpty()) {
            refusals.add("no peer: " + peers + " names no address but this replica's");
        }
        HttpClient https = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(ANSWER_WITHIN).build();
        for (URI peer : candidates) {
            if (left.isEmpty()) {
                break;
            }
            Set<PendingWork.Item> taken = ConcurrentHashMap.newKeySet();
            String refused = offerTo(https, peer, left, deadline, taken);
            left.stream().filter(taken::contains).forEach(handedOver::add);
            left.removeIf(taken::contains);
            if (refused != null) {
                refusals.add(peer + ": " + refused);
            }
        }
        left.addAll(unreplayable);
        return new Result(handedOver, left, refusals);
    }

    /**
     * Sends the items to one peer, {@link #IN_FLIGHT} at a time, and stops sending at its first refusal; returns that
     * refusal, or null. {@code taken} receives the items the peer allowed.
     */
    private String offerTo(HttpClient https, URI peer, List<PendingWork.Item> items, Instant deadline,
            Set<PendingWork.Item> taken) {
        AtomicReference<String> refused = new AtomicReference<>();
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        try {
            for (PendingWork.Item item : items) {
                Duration remaining = Duration.between(clock.instant(), deadline);
                if (refused.get() != null) {
                    break;
                }
                if (remaining.isNegative() || remaining.isZero()
                        || !slots.tryAcquire(remaining.toMillis(), TimeUnit.MILLISECONDS)) {
                    refused.compareAndSet(null, "the shutdown budget ran out");
                    break;
                }
                sent.add(send(https, peer, item, min(Duration.between(clock.instant(), deadline), ANSWER_WITHIN))
                        .whenComplete((why, error) -> {
                            String problem = error == null ? why : "no answer: "
                                    + (error instanceof CompletionException && error.getCause() != null
                                    ? error.getCause() : error);
                            if (problem == null) {
                                taken.add(item);
                                LOG.info("Handed over to {}: {}", peer, item.describe());
                            } else {
                                refused.compareAndSet(null, problem);
                            }
                            slots.release();
                        }));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refused.compareAndSet(null, "interrupted");
        } catch (CompletionException e) {
            refused.compareAndSet(null, "no answer: " + e.getCause());
        }
        return refused.get();
    }

    /** Completes with null when the peer answered allowed for this review, else with why not. */
    private CompletableFuture<String> send(HttpClient https, URI peer, PendingWork.Item item, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(peer.resolve(item.replay().path()))
                .timeout(timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout)
                .header("Content-Type", "application/json")
                .header(Replay.HANDOVER_HEADER, instance)
                .POST(HttpRequest.BodyPublishers.ofByteArray(item.replay().review()))
                .build();
        return https.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> verdict(item, response));
    }

    private static String verdict(PendingWork.Item item, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + ": " + abbreviate(response.body());
        }
        try {
            JsonNode answer = JSON.readTree(response.body()).path("response");
            if (!item.replay().uid().equals(answer.path("uid").asText())) {
                return "an answer for another review: " + abbreviate(response.body());
            }
            if (!answer.path("allowed").asBoolean(false)) {
                return "denied: " + answer.path("status").path("message").asText("(no message)");
            }
            return null;
        } catch (IOException e) {
            return "not an AdmissionReview: " + abbreviate(response.body());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private static String abbreviate(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
