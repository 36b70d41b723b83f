package io.kubeexec.controller.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an AdmissionReview ({@code admission.k8s.io/v1} or {@code v1beta1}) that the decisions need.
 * Optional fields may be absent: a real {@code kubectl attach} sends no {@code command}, raw clients may omit
 * {@code container} or {@code userInfo}.
 */
public record AdmissionRequest(
        String apiVersion,
        String uid,
        String operation,
        String resource,
        String subResource,
        String namespace,
        String name,
        String username,
        List<String> groups,
        boolean dryRun,
        JsonNode object,
        JsonNode oldObject) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Raised for a body that is not an AdmissionReview; the message names the problem. */
    public static class MalformedReviewException extends Exception {
        public MalformedReviewException(String message) {
            super(message, null, false, false);
        }
    }

    public static AdmissionRequest parse(byte[] body) throws MalformedReviewException {
        if (body == null || body.length == 0) {
            throw new MalformedReviewException("empty body: expected an AdmissionReview");
        }
        JsonNode review;
        try {
            review = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedReviewException("body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedReviewException("body could not be read: " + e.getMessage());
        }
        if (review == null || !review.isObject()) {
            throw new MalformedReviewException("body is not a JSON object: expected an AdmissionReview");
        }
        String apiVersion = review.path("apiVersion").asText("");
        if (!apiVersion.equals("admission.k8s.io/v1") && !apiVersion.equals("admission.k8s.io/v1beta1")) {
            throw new MalformedReviewException(
                    "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got \"" + apiVersion + "\"");
        }
        JsonNode request = review.path("request");
        if (!request.isObject()) {
            throw new MalformedReviewException("AdmissionReview has no request");
        }
        String uid = request.path("uid").asText("");
        if (uid.isEmpty()) {
            throw new MalformedReviewException("AdmissionReview request has no uid");
        }
        JsonNode userInfo = request.path("userInfo");
        List<String> groups = new ArrayList<>();
        userInfo.path("groups").forEach(g -> groups.add(g.asText()));
        return new AdmissionRequest(
                apiVersion,
                uid,
                request.path("operation").asText(""),
                request.path("resource").path("resource").asText(""),
                request.path("subResource").asText(""),
                request.path("namespace").asText(""),
                request.path("name").asText(""),
                userInfo.path("username").asText(""),
                List.copyOf(groups),
                request.path("dryRun").asBoolean(false),
                request.path("object").isMissingNode() ? MissingNode.getInstance() : request.path("object"),
                request.path("oldObject"));
    }
}
