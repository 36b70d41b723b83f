package io.kubeexec.pi.kube;

import io.kubeexec.pi.PodMeta;
import io.kubeexec.pi.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The three pod calls the plugin makes. Reads ask for metadata only ({@code PartialObjectMetadata}): the state is in
 * labels and annotations, and a pod's spec and status would only be parsed to be thrown away.
 */
public final class PodApi implements io.kubeexec.pi.Pods {

    private static final String META = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
    private static final String META_LIST =
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    private static final int PAGE = 500;

    private final ApiClient client;

    public PodApi(ApiClient client) {
        this.client = client;
    }

    @Override
    public PodMeta get(String namespace, String name) {
        return meta(client.getJson("/api/v1/namespaces/" + seg(namespace) + "/pods/" + seg(name), META));
    }

    /** All pods of a namespace, or of every namespace when {@code namespace} is null, page by page as kubectl. */
    @Override
    public List<PodMeta> list(String namespace, String selector) {
        List<PodMeta> pods = new ArrayList<>();
        String cont = null;
        do {
            String path = pods(namespace) + "?limit=" + PAGE + selector(selector)
                    + (cont == null ? "" : "&continue=" + enc(cont));
            Map<String, Object> page = client.getJson(path, META_LIST);
            pods.addAll(items(page));
            cont = page.get("metadata") instanceof Map<?, ?> m && m.get("continue") instanceof String s && !s.isEmpty()
                    ? s : null;
        } while (cont != null);
        return pods;
    }

    @Override
    public List<String> namespaces() {
        return items(client.getJson("/api/v1/namespaces", META_LIST)).stream().map(PodMeta::name).toList();
    }

    /** The metadata of a list's items. */
    @SuppressWarnings("unchecked")
    private static List<PodMeta> items(Map<String, Object> list) {
        List<PodMeta> items = new ArrayList<>();
        if (list.get("items") instanceof List<?> all) {
            for (Object item : all) {
                if (item instanceof Map<?, ?> m) {
                    items.add(meta((Map<String, Object>) m));
                }
            }
        }
        return items;
    }

    /** A watch without a resourceVersion: the server sends the current pods as ADDED first. */
    @Override
    @SuppressWarnings("unchecked")
    public void watch(String namespace, String selector, BiConsumer<String, PodMeta> events) {
        client.stream(pods(namespace) + "?watch=1" + selector(selector), META, event -> {
            String type = String.valueOf(event.get("type"));
            if (type.equals("ERROR")) {
                Object status = event.get("object");
                throw new KubeException("the watch failed: " + (status instanceof Map<?, ?> m && m.get("message")
                        instanceof String message ? message : String.valueOf(status)));
            }
            if (event.get("object") instanceof Map<?, ?> object && !type.equals("BOOKMARK")) {
                events.accept(type, meta((Map<String, Object>) object));
            }
        });
    }

    private static String pods(String namespace) {
        return namespace == null ? "/api/v1/pods" : "/api/v1/namespaces/" + seg(namespace) + "/pods";
    }

    private static String selector(String selector) {
        return selector == null || selector.isEmpty() ? "" : "&labelSelector=" + enc(selector);
    }

    /** A JSON merge patch of one annotation: it cannot clobber anything else on the pod. */
    @Override
    public void annotate(String namespace, String name, String key, String value) {
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put(key, value);
        String body = Json.write(Map.of("metadata", Map.of("annotations", annotations)));
        client.patchJson("/api/v1/namespaces/" + seg(namespace) + "/pods/" + seg(name),
                "application/merge-patch+json", body);
    }

    @SuppressWarnings("unchecked")
    static PodMeta meta(Map<String, Object> object) {
        Map<String, Object> m = object.get("metadata") instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
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
