package io.kubeexec.controller.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.UUID;

/** AdmissionReviews built for pods that exist on the mock API server, shaped like the fixtures. */
public final class Reviews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Reviews() {
    }

    public static String exec(String namespace, String pod, String username) {
        ObjectNode review = base("CONNECT", namespace, pod, username, "exec");
        ObjectNode object = ((ObjectNode) review.get("request")).putObject("object");
        object.put("kind", "PodExecOptions").put("apiVersion", "v1").put("container", "web").put("stdin", true);
        object.putArray("command").add("sh");
        return review.toString();
    }

    /** An exec of {@code command} by {@code username} in {@code groups}. */
    public static String exec(String namespace, String pod, String username, List<String> groups, String... command) {
        ObjectNode review = (ObjectNode) read(exec(namespace, pod, username));
        ObjectNode request = (ObjectNode) review.get("request");
        ((ObjectNode) request.get("userInfo")).putArray("groups").addAll(groups.stream().map(JSON.getNodeFactory()::textNode).toList());
        ((ObjectNode) request.get("object")).putArray("command").addAll(List.of(command).stream()
                .map(JSON.getNodeFactory()::textNode).toList());
        return review.toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An UPDATE that sets the extension annotation on {@code before}. */
    public static String extend(Pod before, String extension, String username) {
        ObjectNode review = base("UPDATE", before.getMetadata().getNamespace(), before.getMetadata().getName(),
                username, "");
        ObjectNode request = (ObjectNode) review.get("request");
        ObjectNode old = JSON.valueToTree(before);
        ObjectNode updated = old.deepCopy();
        ((ObjectNode) updated.with("metadata")).with("annotations").put("box.com/podExtendedDuration", extension);
        request.set("oldObject", old);
        request.set("object", updated);
        return review.toString();
    }

    /** An UPDATE that sets an ordinary label on {@code before}: no protected label, no extension. */
    public static String relabel(Pod before, String key, String value, String username) {
        ObjectNode review = base("UPDATE", before.getMetadata().getNamespace(), before.getMetadata().getName(),
                username, "");
        ObjectNode request = (ObjectNode) review.get("request");
        ObjectNode old = JSON.valueToTree(before);
        ObjectNode updated = old.deepCopy();
        ((ObjectNode) updated.with("metadata")).with("labels").put(key, value);
        request.set("oldObject", old);
        request.set("object", updated);
        return review.toString();
    }

    private static ObjectNode base(String operation, String namespace, String pod, String username,
            String subResource) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", UUID.randomUUID().toString()).put("operation", operation)
                .put("namespace", namespace).put("name", pod).put("subResource", subResource);
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        ObjectNode user = request.putObject("userInfo");
        user.put("username", username);
        user.putArray("groups").add("system:authenticated");
        return review;
    }
}
