package io.kubeexec.pi.kube;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Loads kubeconfig files as client-go does: {@code --kubeconfig}, else the {@code KUBECONFIG} list (the first file
 * to define a name or the current context wins), else {@code ~/.kube/config}, else the in-cluster service account.
 * Relative paths are relative to the file that holds them. Values are read as strings, and an empty one counts as
 * not given, as in Go.
 */
public record KubeConfigLoader(Function<String, String> env, Path home, Path inClusterDir) {

    /**
     * Each file parsed once per run: {@link #prefetch} parses them while the main thread is still parsing the command
     * line, and a reader that asks for a file still being parsed waits for it.
     */
    private static final Map<Path, Map<String, Object>> PARSED = new ConcurrentHashMap<>();

    public static KubeConfigLoader system() {
        return new KubeConfigLoader(System::getenv, Path.of(System.getProperty("user.home")),
                Path.of("/var/run/secrets/kubernetes.io/serviceaccount"));
    }

    /** The merged files: each entry under "kind/name" (a kind has no slash), with its paths already resolved. */
    private record Merged(Map<String, Map<String, Object>> named, String currentContext) {

        /** A copy of the named entry; empty when no name is given, or when a missing one is allowed. */
        Map<String, Object> entry(String kind, String name, boolean mustExist) {
            Map<String, Object> found = name == null ? Map.of() : named.get(kind + "/" + name);
            if (found == null && mustExist) {
                throw new KubeException(kind + " \"" + name + "\" does not exist");
            }
            return new LinkedHashMap<>(found == null ? Map.of() : found);
        }
    }

    public ClientConfig load(ConnectionFlags flags) {
        List<Path> files = files(flags);
        Merged merged = files.isEmpty() && flags.server() == null ? inCluster() : merge(files);
        String contextName = first(flags.context(), merged.currentContext());
        if (contextName == null && flags.server() == null && flags.cluster() == null) {
            throw new KubeException("invalid configuration: no current context is set; use --context");
        }
        Map<String, Object> context = merged.entry("context", contextName, true);
        String clusterName = first(flags.cluster(), str(context.get("cluster")));
        Map<String, Object> cluster = merged.entry("cluster", clusterName, flags.server() == null);
        // client-go treats an unknown user of a context as anonymous; only --user must name one that exists
        Map<String, Object> user = merged.entry("user", first(flags.user(), str(context.get("user"))),
                flags.user() != null);

        // A flag replaces the kubeconfig's value; a file flag replaces the embedded data too, --token the token file.
        override(cluster, flags.server(), "server");
        override(cluster, flags.certificateAuthority(), "certificate-authority", "certificate-authority-data");
        override(cluster, flags.insecureSkipTlsVerify(), "insecure-skip-tls-verify");
        override(cluster, flags.tlsServerName(), "tls-server-name");
        override(user, flags.clientCertificate(), "client-certificate", "client-certificate-data");
        override(user, flags.clientKey(), "client-key", "client-key-data");
        override(user, flags.token(), "token", "tokenFile");
        override(user, flags.as(), "as");
        override(user, flags.asGroups().isEmpty() ? null : flags.asGroups(), "as-groups");

        String server = str(cluster.get("server"));
        if (server == null) {
            throw new KubeException("invalid configuration: no server found for cluster \""
                    + Objects.toString(clusterName, "") + "\"");
        }
        String proxy = str(cluster.get("proxy-url"));
        ClientConfig.ExecConfig exec = exec(user.get("exec"), cluster);
        String token = str(user.get("token"));
        if (token == null && str(user.get("tokenFile")) == null && exec == null
                && user.get("auth-provider") instanceof Map<?, ?> provider) {
            token = authProviderToken(provider);
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (user.get("as-user-extra") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> extra.put(String.valueOf(k), strings(v)));
        }
        return new ClientConfig(serverUri(server), first(flags.namespace(), str(context.get("namespace")), "default"),
                str(flags.namespace()) != null, data(cluster, "certificate-authority-data"),
                path(cluster.get("certificate-authority")), bool(cluster.get("insecure-skip-tls-verify")),
                str(cluster.get("tls-server-name")), proxy == null ? null : URI.create(proxy),
                data(user, "client-certificate-data"), path(user.get("client-certificate")),
                data(user, "client-key-data"), path(user.get("client-key")), token, path(user.get("tokenFile")),
                str(user.get("username")), str(user.get("password")), exec, str(user.get("as")),
                strings(user.get("as-groups")), extra, flags.requestTimeout());
    }

    /** Sets {@code key} to the flag's value, if the flag was given, and removes the keys it replaces. */
    private static void override(Map<String, Object> entry, Object flag, String key, String... replaced) {
        if (flag != null) {
            entry.put(key, flag);
            Arrays.stream(replaced).forEach(entry::remove);
        }
    }

    /**
     * Inside a pod, with no kubeconfig and no --server: the service account as the current context, which the flags
     * override as they would a kubeconfig's.
     */
    private Merged inCluster() {
        String host = str(env.apply("KUBERNETES_SERVICE_HOST"));
        String port = str(env.apply("KUBERNETES_SERVICE_PORT"));
        Path token = inClusterDir.resolve("token");
        if (host == null || port == null || !Files.isReadable(token)) {
            throw new KubeException("invalid configuration: no configuration has been provided, "
                    + "try setting KUBECONFIG or --kubeconfig, or --server");
        }
        String namespace;
        try {
            namespace = Files.readString(inClusterDir.resolve("namespace")).trim();
        } catch (IOException e) {
            namespace = "";
        }
        String server = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        String ca = inClusterDir.resolve("ca.crt").toString();
        return new Merged(Map.of("cluster/in-cluster", Map.of("server", server, "certificate-authority", ca),
                "user/in-cluster", Map.of("tokenFile", token.toString()),
                "context/in-cluster", Map.of("cluster", "in-cluster", "user", "in-cluster", "namespace", namespace)),
                "in-cluster");
    }

    List<Path> files(ConnectionFlags flags) {
        String kubeconfig = str(flags.kubeconfig());
        if (kubeconfig != null) {
            if (!Files.exists(Path.of(kubeconfig))) {
                throw new KubeException("stat " + kubeconfig + ": no such file or directory");
            }
            return List.of(Path.of(kubeconfig));
        }
        String list = str(env.apply("KUBECONFIG"));
        List<String> names = list != null ? List.of(list.split(File.pathSeparator))
                : List.of(home.resolve(".kube").resolve("config").toString());
        return names.stream().filter(name -> !name.isEmpty() && Files.exists(Path.of(name))).map(Path::of).toList();
    }

    private Merged merge(List<Path> files) {
        Map<String, Map<String, Object>> named = new LinkedHashMap<>();
        String current = null;
        for (Path file : files) {
            Map<String, Object> doc = read(file);
            Path dir = file.toAbsolutePath().getParent();
            for (String kind : List.of("cluster", "user", "context")) {
                if (doc.get(kind + "s") != null && !(doc.get(kind + "s") instanceof List)) {
                    throw new KubeException("cannot parse kubeconfig " + file + ": " + kind + "s is not a list");
                }
                for (Map<String, Object> item : maps(doc.get(kind + "s"))) {
                    String name = str(item.get("name"));
                    if (name != null && !named.containsKey(kind + "/" + name)) { // the first file to define it wins
                        named.put(kind + "/" + name, resolvePaths(map(item.get(kind)), dir));
                    }
                }
            }
            current = first(current, str(doc.get("current-context")));
        }
        return new Merged(named, current);
    }

    /** A copy of a cluster, user or context whose file paths are relative to {@code dir} (ResolveLocalPaths). */
    private Map<String, Object> resolvePaths(Map<String, Object> entry, Path dir) {
        Map<String, Object> value = new LinkedHashMap<>(entry);
        for (String key : List.of("certificate-authority", "client-certificate", "client-key", "tokenFile")) {
            value.computeIfPresent(key, (k, path) -> resolve(dir, path.toString()));
        }
        String command = str(map(value.get("exec")).get("command"));
        // A bare command name is looked up on the PATH; only a path with a separator is relative to the file.
        if (command != null && command.contains("/")) {
            Map<String, Object> exec = new LinkedHashMap<>(map(value.get("exec")));
            exec.put("command", resolve(dir, command));
            value.put("exec", exec);
        }
        return value;
    }

    private String resolve(Path dir, String p) {
        if (p.startsWith("~/")) {
            return home.resolve(p.substring(2)).toString();
        }
        return p.isEmpty() || Path.of(p).isAbsolute() ? p : dir.resolve(p).normalize().toString();
    }

    /** Parses the files the environment points at (as without --kubeconfig); only reading, nothing is contacted. */
    public void prefetch() {
        try {
            files(ConnectionFlags.none()).forEach(KubeConfigLoader::read);
        } catch (RuntimeException e) {
            // the main thread reads the files again and reports any problem
        }
    }

    private static Map<String, Object> read(Path file) {
        return PARSED.computeIfAbsent(file.toAbsolutePath(), KubeConfigLoader::parse); // nothing kept if it throws
    }

    private static Map<String, Object> parse(Path file) {
        Object doc;
        try {
            doc = yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new KubeException("cannot read kubeconfig " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new KubeException("cannot parse kubeconfig " + file + ": " + e.getMessage().replace('\n', ' '));
        }
        if (doc != null && !(doc instanceof Map)) {
            throw new KubeException("cannot parse kubeconfig " + file + ": not a mapping");
        }
        return map(doc);
    }

    /** SnakeYAML that only resolves booleans and null implicitly: every other scalar stays a string, as in Go. */
    private static Yaml yaml() {
        Resolver resolver = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
                addImplicitResolver(Tag.NULL, NULL, "~nN\0");
                addImplicitResolver(Tag.NULL, EMPTY, null);
            }
        };
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(new DumperOptions()),
                new DumperOptions(), resolver);
    }

    private static ClientConfig.ExecConfig exec(Object value, Map<String, Object> cluster) {
        if (!(value instanceof Map<?, ?> m)) {
            return null;
        }
        String command = str(m.get("command"));
        if (command == null) {
            throw new KubeException("invalid configuration: exec plugin has no command");
        }
        String apiVersion = str(m.get("apiVersion"));
        if (apiVersion == null) {
            throw new KubeException("invalid configuration: exec plugin \"" + command + "\" has no apiVersion");
        }
        Map<String, String> env = new LinkedHashMap<>();
        maps(m.get("env")).forEach(e -> env.put(String.valueOf(e.get("name")), Objects.toString(e.get("value"), "")));
        // the cluster's extension for exec plugins, handed to one that asks for provideClusterInfo
        Object extension = maps(cluster.get("extensions")).stream()
                .filter(e -> "client.authentication.k8s.io/exec".equals(e.get("name")))
                .reduce((first, last) -> last).map(e -> e.get("extension")).orElse(null);
        return new ClientConfig.ExecConfig(command, strings(m.get("args")), env, apiVersion, str(m.get("installHint")),
                bool(m.get("provideClusterInfo")), str(m.get("interactiveMode")), extension);
    }

    /** The legacy auth providers (oidc, gcp, azure) keep a ready token in their config. */
    private static String authProviderToken(Map<?, ?> provider) {
        String name = str(provider.get("name"));
        Map<String, Object> config = map(provider.get("config"));
        String token = str("oidc".equals(name) ? config.get("id-token") : config.get("access-token"));
        if (token == null) {
            throw new KubeException("auth-provider \"" + name + "\" is not supported without a cached token; "
                    + "use an exec credential plugin (e.g. kubelogin or gke-gcloud-auth-plugin)");
        }
        return token;
    }

    private static URI serverUri(String text) {
        try {
            URI uri = new URI(text.contains("://") ? text : "https://" + text);
            if (uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                throw new URISyntaxException(text, "expected https://host[:port]");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new KubeException("invalid server URL \"" + text + "\": " + e.getReason());
        }
    }

    /** The first value given (not null, not empty), else null. */
    private static String first(String... values) {
        return Arrays.stream(values).map(KubeConfigLoader::str).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** A scalar as text; null when absent or empty. */
    private static String str(Object o) {
        return o == null || o.toString().isEmpty() ? null : o.toString();
    }

    private static boolean bool(Object o) {
        return o instanceof Boolean b ? b : o != null && Boolean.parseBoolean(o.toString());
    }

    private static Path path(Object o) {
        return str(o) == null ? null : Path.of(str(o));
    }

    private static byte[] data(Map<String, Object> entry, String key) {
        String text = str(entry.get(key));
        try {
            return text == null ? null : Base64.getMimeDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new KubeException("invalid " + key + ": not base64");
        }
    }

    private static List<String> strings(Object o) {
        return o instanceof List<?> list ? list.stream().map(item -> Objects.toString(item, "")).toList() : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The mappings of a list (of clusters, of variables...); other items are skipped. */
    private static List<Map<String, Object>> maps(Object o) {
        return o instanceof List<?> l ? l.stream().filter(Map.class::isInstance).map(KubeConfigLoader::map).toList()
                : List.of();
    }
}
