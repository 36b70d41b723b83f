package io.kubeexec.controller.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            return read(parser);
        } catch (JsonProcessingException e) {
            throw new MalformedReviewException("body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedReviewException("body could not be read: " + e.getMessage());
        }
    }

    /**
     * One pass over the body with the streaming parser: every pod UPDATE in a cluster comes through here with two
     * copies of the pod, and the decisions need only their metadata and ephemeral containers. The parts no decision
     * reads ({@code spec} but its ephemeral containers, {@code status}, {@code managedFields}, the review's other
     * fields) are skipped, still checked for syntax, never built.
     */
    private static AdmissionRequest read(JsonParser parser) throws IOException, MalformedReviewException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            if (parser.currentToken() != null) {
                tree(parser); // a malformed array is "not JSON", as for any other malformed body
            }
            throw new MalformedReviewException("body is not a JSON object: expected an AdmissionReview");
        }
        String apiVersion = "";
        JsonNode request = MissingNode.getInstance();
        ObjectNode fields = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("apiVersion")) {
                apiVersion = text(parser);
            } else if (field.equals("request")) {
                if (parser.currentToken() == JsonToken.START_OBJECT) {
                    fields = JSON.createObjectNode();
                    readRequest(parser, fields);
                    request = fields;
                } else {
                    request = parser.currentToken().isScalarValue() ? tree(parser) : skip(parser);
                }
            } else {
                parser.skipChildren();
            }
        }
        if (!apiVersion.equals("admission.k8s.io/v1") && !apiVersion.equals("admission.k8s.io/v1beta1")) {
            throw new MalformedReviewException(
                    "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got \"" + apiVersion + "\"");
        }
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
                request.path("object"),
                request.path("oldObject"));
    }

    /**
     * This request as an AdmissionReview again, with what the decisions read and nothing else, so that another
     * replica's webhook decides it the same way (the hand-over at shutdown). {@code parse} of the result gives back an
     * equal request.
     */
    public byte[] replayable() {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", apiVersion);
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        request.put("operation", operation);
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", resource);
        request.put("subResource", subResource);
        request.put("namespace", namespace);
        request.put("name", name);
        ObjectNode userInfo = request.putObject("userInfo");
        userInfo.put("username", username);
        groups.forEach(userInfo.putArray("groups")::add);
        request.put("dryRun", dryRun);
        if (!object.isMissingNode()) {
            request.set("object", object);
        }
        if (!oldObject.isMissingNode()) {
            request.set("oldObject", oldObject);
        }
        try {
            return JSON.writeValueAsBytes(review);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed review cannot be written back: " + e.getMessage(), e);
        }
    }

    /** The request's fields the decisions read, as a tree; {@code object} and {@code oldObject} pruned. */
    private static void readRequest(JsonParser parser, ObjectNode request) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "uid", "operation", "resource", "subResource", "namespace", "name", "userInfo", "dryRun" ->
                        request.set(field, tree(parser));
                case "object", "oldObject" -> request.set(field, readObject(parser));
                default -> parser.skipChildren();
            }
        }
    }

    /**
     * A pod (or PodExecOptions, or EphemeralContainers) without what no decision reads: {@code status},
     * {@code spec} except {@code ephemeralContainers}, and {@code metadata.managedFields}.
     */
    private static JsonNode readObject(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return tree(parser);
        }
        ObjectNode object = JSON.createObjectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "status" -> parser.skipChildren();
                case "spec" -> object.set(field, fields(parser, "ephemeralContainers"::equals));
                case "metadata" -> object.set(field, fields(parser, f -> !f.equals("managedFields")));
                default -> object.set(field, tree(parser));
            }
        }
        return object;
    }

    /** An object with only the fields {@code keep} accepts; the others are skipped, never built into a tree. */
    private static JsonNode fields(JsonParser parser, Predicate<String> keep) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return tree(parser);
        }
        ObjectNode object = JSON.createObjectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (keep.test(field)) {
                object.set(field, tree(parser));
            } else {
                parser.skipChildren();
            }
        }
        return object;
    }

    private static String text(JsonParser parser) throws IOException {
        return parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : tree(parser).asText("");
    }

    private static JsonNode tree(JsonParser parser) throws IOException {
        return JSON.readTree(parser);
    }

    private static JsonNode skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return MissingNode.getInstance();
    }
}
