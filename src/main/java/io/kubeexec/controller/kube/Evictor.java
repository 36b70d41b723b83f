package io.kubeexec.controller.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs an Eviction for one pod, with a UID precondition so that a recreated pod of the same name is never evicted
 * by mistake. Tries {@code policy/v1} (1.22+) and falls back to {@code policy/v1beta1} (1.20, 1.21), remembering
 * which one the API server took. Posted directly, because fabric8's {@code evict()} retries a 429 internally for
 * about 20 s; here a PodDisruptionBudget's 429 is reported at once and retried on a later scan.
 */
public class Evictor {

    /** How one eviction attempt ended. */
    public enum Result {
        EVICTED,
        /** 429: a PodDisruptionBudget does not allow it now. */
        BLOCKED,
        /** 404 or a failed UID precondition (409): the pod we meant is gone. */
        GONE,
        /** Anything else: try again on a later scan. */
        FAILED
    }

    /** The result and, for BLOCKED and FAILED, the API server's words. */
    public record Outcome(Result result, String detail) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(Evictor.class);

    private final KubernetesClient client;
    private volatile String evictionVersion = "policy/v1";

    public Evictor(KubernetesClient client) {
        this.client = client;
    }

    public Outcome evict(PodRef pod) {
        HttpResponse<String> response;
        try {
            response = post(pod, evictionVersion);
            if (isVersionRefused(response) && evictionVersion.equals("policy/v1")) {
                response = post(pod, "policy/v1beta1");
                if (!isVersionRefused(response)) {
                    evictionVersion = "policy/v1beta1";
                    LOG.info("This API server takes policy/v1beta1 Evictions (before Kubernetes 1.22): using those");
                }
            }
        } catch (NoAnswer e) {
            return new Outcome(Result.FAILED, "no answer from the API server: " + e.getMessage());
        }
        int code = response.code();
        String body = response.body() == null ? "" : response.body();
        if (code == 200 || code == 201) {
            return new Outcome(Result.EVICTED, "");
        }
        if (code == 429) {
            return new Outcome(Result.BLOCKED, message(body));
        }
        if (code == 404 || code == 409) {
            return new Outcome(Result.GONE, message(body));
        }
        return new Outcome(Result.FAILED, "HTTP " + code + ": " + message(body));
    }

    /** A 1.20 or 1.21 API server refuses a policy/v1 Eviction body with a 400 naming the version it expects. */
    private static boolean isVersionRefused(HttpResponse<String> response) {
        return response.code() == 400 && response.body() != null
                && response.body().contains("policy/v1");
    }

    /** The POST got no HTTP answer; the message says why (the cause's own text). */
    private static final class NoAnswer extends Exception {
        NoAnswer(String message) {
            super(message, null, false, false);
        }
    }

    private HttpResponse<String> post(PodRef pod, String apiVersion) throws NoAnswer {
        ObjectNode eviction = JSON.createObjectNode();
        eviction.put("apiVersion", apiVersion);
        eviction.put("kind", "Eviction");
        eviction.putObject("metadata").put("name", pod.name()).put("namespace", pod.namespace());
        eviction.putObject("deleteOptions").putObject("preconditions").put("uid", pod.uid());
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/"
                + encode(pod.namespace()) + "/pods/" + encode(pod.name()) + "/eviction";
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
                .uri(url)
                .post("application/json", eviction.toString())
                .build();
        try {
            return client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswer("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new NoAnswer(String.valueOf(cause));
        } catch (TimeoutException e) {
            throw new NoAnswer("no answer within 30 s");
        }
    }

    private static String message(String body) {
        try {
            String message = JSON.readTree(body).path("message").asText("");
            return message.isEmpty() ? body : message;
        } catch (Exception e) {
            return body;
        }
    }

    /**
     * One path segment, percent-encoded as RFC 3986 says for a path (URLEncoder is for forms: a space would become
     * '+'). Names are DNS labels, so this changes nothing for a valid pod; it keeps a stray character from changing
     * the path.
     */
    static String encode(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
