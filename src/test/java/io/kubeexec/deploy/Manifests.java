package io.kubeexec.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rendered manifests, strictly validated: every object is deserialised into its typed model (fabric8 for
 * Kubernetes kinds, {@link CertManager} for cert-manager's), a kind without a typed model is an error, a value of
 * the wrong type is an error, and so is any field the model does not know (fabric8 would otherwise keep it quietly
 * in {@code additionalProperties}, and the API server would drop it).
 */
final class Manifests {

    private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, Manifests> CACHE = new ConcurrentHashMap<>();

    final String target;
    final List<Object> objects;

    private Manifests(String target, List<Object> objects) {
        this.target = target;
        this.objects = List.copyOf(objects);
    }

    /** The target rendered by kubectl kustomize; fails with every problem found if any object is not valid. */
    static Manifests of(String target) {
        return CACHE.computeIfAbsent(target, t -> {
            List<Object> objects = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            parse(Kustomize.render(t), objects, problems);
            if (!problems.isEmpty()) {
                throw new AssertionError(t + " does not validate:\n  " + String.join("\n  ", problems));
            }
            return new Manifests(t, objects);
        });
    }

    /** Every problem strict validation finds in a multi-document YAML; empty when all is valid. */
    static List<String> problems(String yaml) {
        List<String> problems = new ArrayList<>();
        parse(yaml, new ArrayList<>(), problems);
        return problems;
    }

    <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError(target + ": expected exactly one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    private static void parse(String yaml, List<Object> objects, List<String> problems) {
        List<JsonNode> documents;
        try (var parser = new YAMLFactory().createParser(yaml)) {
            documents = YAML.readValues(parser, JsonNode.class).readAll();
        } catch (IOException e) {
            problems.add("not YAML: " + e.getMessage());
            return;
        }
        for (JsonNode document : documents) {
            if (document == null || document.isNull() || document.isMissingNode()) {
                continue;
            }
            String apiVersion = document.path("apiVersion").asText("");
            String kind = document.path("kind").asText("");
            String where = kind + " " + document.path("metadata").path("name").asText("?");
            try {
                Object typed = typed(apiVersion, kind, document);
                if (typed == null) {
                    problems.add(where + ": no typed model for apiVersion '" + apiVersion + "' kind '" + kind + "'");
                    continue;
                }
                int before = problems.size();
                unknownFields(typed, where, problems);
                if (problems.size() == before) {
                    roundTrip(typed, document, where, problems);
                }
                objects.add(typed);
            } catch (RuntimeException | IOException e) {
                problems.add(where + ": " + firstLine(e));
            }
        }
    }

    private static Object typed(String apiVersion, String kind, JsonNode document) throws IOException {
        if (CertManager.API_VERSION.equals(apiVersion)) {
            return switch (kind) {
                case "Certificate" -> STRICT.treeToValue(document, CertManager.Certificate.class);
                case "Issuer" -> STRICT.treeToValue(document, CertManager.Issuer.class);
                default -> null;
            };
        }
        Class<? extends KubernetesResource> type = FABRIC8.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null) {
            return null;
        }
        return FABRIC8.unmarshal(JSON.writeValueAsString(document), type);
    }

    /** Fields the model did not recognise end up in some {@code additionalProperties}: find them all. */
    private static void unknownFields(Object value, String path, List<String> problems) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "[" + k + "]", problems));
            return;
        }
        if (!isModel(value.getClass())) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> problems.add(path + ": unknown field '" + k + "'"));
                } else {
                    unknownFields(fieldValue, path + "." + field.getName(), problems);
                }
            }
        }
    }

    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        return name.startsWith("io.fabric8.kubernetes.api.model.") || name.startsWith(Manifests.class.getPackageName());
    }

    /** What the typed model writes back must be what was rendered: nothing dropped, nothing reinterpreted. */
    private static void roundTrip(Object typed, JsonNode document, String where, List<String> problems)
            throws IOException {
        JsonNode written = typed instanceof KubernetesResource
                ? JSON.readTree(FABRIC8.asJson(typed))
                : JSON.valueToTree(typed);
        List<String> differences = new ArrayList<>();
        compare(document, written, "", differences);
        differences.forEach(d -> problems.add(where + ": " + d));
    }

    private static void compare(JsonNode expected, JsonNode actual, String path, List<String> differences) {
        if (expected.isObject()) {
            expected.fieldNames().forEachRemaining(name -> {
                JsonNode other = actual == null ? null : actual.get(name);
                if (other == null || other.isNull()) {
                    differences.add(path + "." + name + " was dropped by the typed model");
                } else {
                    compare(expected.get(name), other, path + "." + name, differences);
                }
            });
        } else if (expected.isArray()) {
            if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
                differences.add(path + " changed: " + expected + " -> " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                compare(expected.get(i), actual.get(i), path + "[" + i + "]", differences);
            }
        } else if (actual == null || !expected.asText().equals(actual.asText())) {
            differences.add(path + " changed: " + expected + " -> " + actual);
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
