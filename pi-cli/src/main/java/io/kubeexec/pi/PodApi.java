package io.kubeexec.pi;

import io.kubeexec.pi.json.Json;
import io.kubeexec.pi.kube.ApiClient;
import io.kubeexec.pi.kube.KubeException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The pod calls the plugin makes. Reads ask for metadata only ({@code PartialObjectMetadata}): the state is in
 * labels and annotations, and a pod's spec and status would only be parsed to be thrown away.
 */
final class PodApi implements Pods {

    private static final String META = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
    private static final String META_LIST =
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    private static final int PAGE = 500;

    private final ApiClient client;

    PodApi(ApiClient client) {
        this.client = client;
    }

    @Override
    public PodMeta get(String namespace, String name) {
        return meta(client.getJson(pods(namespace) + "/" + seg(name), META));
    }

    /** All pods of a namespace, or of every namespace when {@code namespace} is null. */
    @Override
    public List<PodMeta> list(String namespace, String selector) {
        return all(pods(namespace) + "?limit=" + PAGE + selector(selector));
    }

    @Override
    public List<String> namespaces() {
        return all("/api/v1/namespaces?limit=" + PAGE).stream().map(PodMeta::name).toList();
    }

    /** The metadata of a list's items, page by page as kubectl reads them. */
    private List<PodMeta> all(String path) {
        List<PodMeta> items = new ArrayList<>();
        String cont = "";
        do {
            Map<String, Object> page = client.getJson(path + (cont.isEmpty() ? "" : "&continue=" + enc(cont)),
                    META_LIST);
            if (page.get("items") instanceof List<?> list) {
                list.stream().filter(Map.class::isInstance).map(PodApi::meta).forEach(items::add);
            }
            cont = page.get("metadata") instanceof Map<?, ?> m && m.get("continue") instanceof String s ? s : "";
        } while (!cont.isEmpty());
        return items;
    }

    /** A watch without a resourceVersion: the server sends the current pods as ADDED first. */
    @Override
    public void watch(String namespace, String selector, BiConsumer<String, PodMeta> events) {
        client.stream(pods(namespace) + "?watch=1" + selector(selector), META, event -> {
            String type = String.valueOf(event.get("type"));
            Object object = event.get("object");
            if (type.equals("ERROR")) {
                throw new KubeException("the watch failed: " + (object instanceof Map<?, ?> status
                        && status.get("message") instanceof String message ? message : String.valueOf(object)));
            }
            if (object instanceof Map && !type.equals("BOOKMARK")) {
                events.accept(type, meta(object));
            }
        });
    }

    /** A JSON merge patch of one annotation: it cannot clobber anything else on the pod. */
    @Override
    public void annotate(String namespace, String name, String key, String value) {
        client.patchJson(pods(namespace) + "/" + seg(name), "application/merge-patch+json",
                Json.write(Map.of("metadata", Map.of("annotations", Map.of(key, value)))));
    }

    private static String pods(String namespace) {
        return namespace == null ? "/api/v1/pods" : "/api/v1/namespaces/" + seg(namespace) + "/pods";
    }

    private static String selector(String selector) {
        return selector == null || selector.isEmpty() ? "" : "&labelSelector=" + enc(selector);
    }

    private static PodMeta meta(Object object) {
        Map<?, ?> m = object instanceof Map<?, ?> o && o.get("metadata") instanceof Map<?, ?> x ? x : Map.of();
        return new PodMeta((String) m.get("namespace"), (String) m.get("name"), strings(m.get("labels")),
                strings(m.get("annotations")));
    }

    private static Map<String, String> strings(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return out;
    }

    private static String seg(String s) {
        return enc(s).replace("+", "%20");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
