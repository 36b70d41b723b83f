package io.kubeexec.controller.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The AdmissionReview answer: it echoes the request's apiVersion, kind and uid, as the API server requires. */
public final class AdmissionResponse {

    private AdmissionResponse() {
    }

    public static String allowed(String apiVersion, String uid) {
        return review(apiVersion, uid, true, null);
    }

    public static String denied(String apiVersion, String uid, String message) {
        return review(apiVersion, uid, false, message);
    }

    private static String review(String apiVersion, String uid, boolean allowed, String message) {
        ObjectNode review = AdmissionRequest.JSON.createObjectNode();
        review.put("apiVersion", apiVersion);
        review.put("kind", "AdmissionReview");
        ObjectNode response = review.putObject("response");
        response.put("uid", uid);
        response.put("allowed", allowed);
        if (!allowed) {
            ObjectNode status = response.putObject("status");
            status.put("code", 403);
            status.put("message", message);
        }
        return review.toString();
    }

    /** The one 413 body, whoever notices the size first: the listener's guard, the fast path or the webhook. */
    public static String tooLarge(long length, long limit) {
        return error(413, "body of " + length + " bytes exceeds the limit of " + limit + " bytes");
    }

    /** The body of a 4xx answer to something that is not a usable AdmissionReview. */
    public static String error(int code, String message) {
        ObjectNode error = AdmissionRequest.JSON.createObjectNode();
        error.put("code", code);
        error.put("error", message);
        return error.toString();
    }
}
