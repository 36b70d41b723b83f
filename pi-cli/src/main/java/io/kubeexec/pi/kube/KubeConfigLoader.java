package io.kubeexec.pi.kube;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Loads kubeconfig files as client-go does: {@code --kubeconfig}, else the {@code KUBECONFIG} list (the first file
 * to define a name or the current context wins), else {@code ~/.kube/config}, else the in-cluster service account.
 * Relative paths are relative to the file that holds them.
 */
public final class KubeConfigLoader {

    static final String IN_CLUSTER_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    /** Files parsed ahead of time by {@link #prefetch}, while the main thread is still parsing the command line. */
    private static final Map<Path, java.util.concurrent.FutureTask<Map<String, Object>>> PREFETCHED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Function<String, String> env;
    private final Path home;
    private final Path inClusterDir;

    public KubeConfigLoader(Function<String, String> env, Path home, Path inClusterDir) {
        this.env = env;
        this.home = home;
        this.inClusterDir = inClusterDir;
    }

    public static KubeConfigLoader system() {
        return new KubeConfigLoader(System::getenv, Path.of(System.getProperty("user.home")), Path.of(IN_CLUSTER_DIR));
    }

    /** The merged files: named clusters, users and contexts, with their paths already resolved. */
    record Merged(Map<String, Map<String, Object>> clusters, Map<String, Map<String, Object>> users,
            Map<String, Map<String, Object>> contexts, String currentContext, boolean anyFile) {
    }

    public ClientConfig load(ConnectionFlags flags) {
        Merged merged = merge(files(flags));
        if (!merged.anyFile() && flags.server() == null) {
            ClientConfig inCluster = inCluster(flags);
            if (inCluster != null) {
                return inCluster;
            }
            throw new KubeException("invalid configuration: no configuration has been provided, "
                    + "try setting KUBECONFIG or --kubeconfig, or --server");
        }
        String contextName = flags.context() != null ? flags.context() : merged.currentContext();
        if ((contextName == null || contextName.isEmpty()) && flags.server() == null && flags.cluster() == null) {
            throw new KubeException("invalid configuration: no current context is set; use --context");
        }
        Map<String, Object> context = entry(merged.contexts(), contextName, "context", true);
        String clusterName = flags.cluster() != null ? flags.cluster() : str(context.get("cluster"));
        String userName = flags.user() != null ? flags.user() : str(context.get("user"));
        Map<String, Object> cluster = entry(merged.clusters(), clusterName, "cluster", flags.server() == null);
        // client-go treats an unknown user of a context as anonymous; only --user must name one that exists
        Map<String, Object> user = entry(merged.users(), userName, "user", flags.user() != null);

        String serverText = flags.server() != null ? flags.server() : str(cluster.get("server"));
        if (serverText == null || serverText.isEmpty()) {
            throw new KubeException("invalid configuration: no server found for cluster \"" + clusterName + "\"");
        }
        URI server = serverUri(serverText);

        String namespace = flags.namespace();
        boolean explicit = namespace != null && !namespace.isEmpty();
        if (!explicit) {
            namespace = str(context.get("namespace"));
        }
        if (namespace == null || namespace.isEmpty()) {
            namespace = "default";
        }

        byte[] caData = base64(cluster.get("certificate-authority-data"), "certificate-authority-data");
        Path caFile = path(cluster.get("certificate-authority"));
        if (flags.certificateAuthority() != null) {
            caFile = Path.of(flags.certificateAuthority());
            caData = null;
        }
        boolean insecure = bool(cluster.get("insecure-skip-tls-verify"));
        if (flags.insecureSkipTlsVerify() != null) {
            insecure = flags.insecureSkipTlsVerify();
        }
        String tlsServerName = flags.tlsServerName() != null ? flags.tlsServerName() : str(cluster.get("tls-server-name"));
        URI proxy = null;
        String proxyText = str(cluster.get("proxy-url"));
        if (proxyText != null && !proxyText.isEmpty()) {
            proxy = URI.create(proxyText);
        }

        byte[] certData = base64(user.get("client-certificate-data"), "client-certificate-data");
        Path certFile = path(user.get("client-certificate"));
        byte[] keyData = base64(user.get("client-key-data"), "client-key-data");
        Path keyFile = path(user.get("client-key"));
        if (flags.clientCertificate() != null) {
            certFile = Path.of(flags.clientCertificate());
            certData = null;
        }
        if (flags.clientKey() != null) {
            keyFile = Path.of(flags.clientKey());
            keyData = null;
        }
        String token = str(user.get("token"));
        Path tokenFile = path(user.get("tokenFile"));
        if (flags.token() != null) {
            token = flags.token();
            tokenFile = null;
        }
        ClientConfig.ExecConfig exec = exec(user.get("exec"), cluster);
        Object authProvider = user.get("auth-provider");
        if (token == null && tokenFile == null && exec == null && authProvider instanceof Map<?, ?> ap) {
            token = authProviderToken(ap);
        }
        String impersonate = flags.as() != null ? flags.as() : str(user.get("as"));
        List<String> groups = !flags.asGroups().isEmpty() ? flags.asGroups() : strings(user.get("as-groups"));
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (user.get("as-user-extra") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> extra.put(String.valueOf(k), strings(v)));
        }
        return new ClientConfig(server, namespace, explicit, caData, caFile, insecure, tlsServerName, proxy, certData,
                certFile, keyData, keyFile, token, tokenFile, str(user.get("username")), str(user.get("password")), exec,
                impersonate, groups, extra, flags.requestTimeout());
    }

    /** The named cluster, user or context; none (empty) when no name is given, or when a missing one is allowed. */
    private static Map<String, Object> entry(Map<String, Map<String, Object>> all, String name, String kind,
            boolean mustExist) {
        Map<String, Object> found = name == null || name.isEmpty() ? Map.of() : all.get(name);
        if (found == null && mustExist) {
            throw new KubeException(kind + " \"" + name + "\" does not exist");
        }
        return found == null ? Map.of() : found;
    }

    private ClientConfig inCluster(ConnectionFlags flags) {
        String host = env.apply("KUBERNETES_SERVICE_HOST");
        String port = env.apply("KUBERNETES_SERVICE_PORT");
        Path tokenFile = inClusterDir.resolve("token");
        if (host == null || host.isEmpty() || port == null || port.isEmpty() || !Files.isReadable(tokenFile)) {
            return null;
        }
        String namespace = flags.namespace();
        boolean explicit = namespace != null && !namespace.isEmpty();
        if (!explicit) {
            try {
                namespace = Files.readString(inClusterDir.resolve("namespace")).trim();
            } catch (IOException e) {
                namespace = "default";
            }
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        String token = flags.token();
        return new ClientConfig(URI.create("https://" + h + ":" + port), namespace, explicit, null,
                inClusterDir.resolve("ca.crt"), false, flags.tlsServerName(), null, null, null, null, null, token,
                token == null ? tokenFile : null, null, null, null, flags.as(), flags.asGroups(), Map.of(),
                flags.requestTimeout());
    }

    List<Path> files(ConnectionFlags flags) {
        List<Path> files = new ArrayList<>();
        if (flags.kubeconfig() != null && !flags.kubeconfig().isEmpty()) {
            Path p = Path.of(flags.kubeconfig());
            if (!Files.exists(p)) {
                throw new KubeException("stat " + flags.kubeconfig() + ": no such file or directory");
            }
            files.add(p);
            return files;
        }
        String list = env.apply("KUBECONFIG");
        if (list != null && !list.isEmpty()) {
            for (String part : list.split(java.io.File.pathSeparator)) {
                if (!part.isEmpty() && Files.exists(Path.of(part))) {
                    files.add(Path.of(part));
                }
            }
            return files;
        }
        Path home = this.home.resolve(".kube").resolve("config");
        if (Files.exists(home)) {
            files.add(home);
        }
        return files;
    }

    Merged merge(List<Path> files) {
        Map<String, Map<String, Object>> clusters = new LinkedHashMap<>();
        Map<String, Map<String, Object>> users = new LinkedHashMap<>();
        Map<String, Map<String, Object>> contexts = new LinkedHashMap<>();
        String current = null;
        for (Path file : files) {
            Map<String, Object> doc = read(file);
            Path dir = file.toAbsolutePath().getParent();
            named(doc, "clusters", "cluster", file, dir, clusters);
            named(doc, "users", "user", file, dir, users);
            named(doc, "contexts", "context", file, dir, contexts);
            String cc = str(doc.get("current-context"));
            if (current == null && cc != null && !cc.isEmpty()) {
                current = cc;
            }
        }
        return new Merged(clusters, users, contexts, current, !files.isEmpty());
    }

    /**
     * Parses the kubeconfig files the environment points at (as if no --kubeconfig were given) so that the main
     * thread finds them parsed. Only reading: nothing is resolved, run or contacted.
     */
    public void prefetch() {
        try {
            for (Path file : files(ConnectionFlags.none())) {
                Path key = file.toAbsolutePath();
                java.util.concurrent.FutureTask<Map<String, Object>> task =
                        new java.util.concurrent.FutureTask<>(() -> parse(key));
                if (PREFETCHED.putIfAbsent(key, task) == null) {
                    task.run();
                }
            }
        } catch (RuntimeException e) {
            // the main thread reads the files again and reports any problem
        }
    }

    private static Map<String, Object> read(Path file) {
        java.util.concurrent.FutureTask<Map<String, Object>> task = PREFETCHED.get(file.toAbsolutePath());
        if (task != null) {
            try {
                return task.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof KubeException k) {
                    throw k;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return parse(file);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KubeException("cannot read kubeconfig " + file + ": " + e.getMessage());
        }
        Object doc;
        try {
            doc = yaml().load(text);
        } catch (RuntimeException e) {
            throw new KubeException("cannot parse kubeconfig " + file + ": " + e.getMessage().replace('\n', ' '));
        }
        if (doc == null) {
            return Map.of();
        }
        if (!(doc instanceof Map)) {
            throw new KubeException("cannot parse kubeconfig " + file + ": not a mapping");
        }
        return (Map<String, Object>) doc;
    }

    /** SnakeYAML that only resolves booleans and null implicitly: every other scalar stays a string, as in Go. */
    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        Resolver resolver = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.BOOL, BOOL, "yYnNtTfFoO");
                addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, NULL, "~nN\0");
                addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, EMPTY, null);
            }
        };
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, resolver);
    }

    @SuppressWarnings("unchecked")
    private static void named(Map<String, Object> doc, String listKey, String itemKey, Path file, Path dir,
            Map<String, Map<String, Object>> into) {
        Object list = doc.get(listKey);
        if (list == null) {
            return;
        }
        if (!(list instanceof List<?> items)) {
            throw new KubeException("cannot parse kubeconfig " + file + ": " + listKey + " is not a list");
        }
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> entry)) {
                continue;
            }
            String name = str(entry.get("name"));
            if (name == null || into.containsKey(name)) {
                continue; // the first file to define a name wins
            }
            Object body = entry.get(itemKey);
            Map<String, Object> value = body instanceof Map<?, ?> m
                    ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
            resolvePaths(value, dir);
            into.put(name, value);
        }
    }

    /** client-go's ResolveLocalPaths: file references are relative to the kubeconfig that holds them. */
    @SuppressWarnings("unchecked")
    private static void resolvePaths(Map<String, Object> value, Path dir) {
        for (String key : List.of("certificate-authority", "client-certificate", "client-key", "tokenFile")) {
            String p = str(value.get(key));
            if (p != null && !p.isEmpty()) {
                value.put(key, resolve(dir, p));
            }
        }
        if (value.get("exec") instanceof Map<?, ?> exec) {
            Map<String, Object> e = new LinkedHashMap<>((Map<String, Object>) exec);
            String command = str(e.get("command"));
            // A bare command name is looked up on the PATH; only a path with a separator is relative to the file.
            if (command != null && command.contains("/") && !Path.of(command).isAbsolute()) {
                e.put("command", dir.resolve(command).normalize().toString());
            }
            value.put("exec", e);
        }
    }

    private static String resolve(Path dir, String p) {
        if (p.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(p.substring(2)).toString();
        }
        Path path = Path.of(p);
        return path.isAbsolute() ? p : dir.resolve(path).normalize().toString();
    }

    @SuppressWarnings("unchecked")
    private static ClientConfig.ExecConfig exec(Object value, Map<String, Object> cluster) {
        if (!(value instanceof Map<?, ?> raw)) {
            return null;
        }
        Map<String, Object> m = (Map<String, Object>) raw;
        String command = str(m.get("command"));
        if (command == null || command.isEmpty()) {
            throw new KubeException("invalid configuration: exec plugin has no command");
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (m.get("env") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> e) {
                    env.put(str(e.get("name")), str(e.get("value")));
                }
            }
        }
        Object extension = null;
        if (cluster.get("extensions") instanceof List<?> exts) {
            for (Object ext : exts) {
                if (ext instanceof Map<?, ?> e && "client.authentication.k8s.io/exec".equals(str(e.get("name")))) {
                    extension = e.get("extension");
                }
            }
        }
        String apiVersion = str(m.get("apiVersion"));
        if (apiVersion == null || apiVersion.isEmpty()) {
            throw new KubeException("invalid configuration: exec plugin \"" + command + "\" has no apiVersion");
        }
        return new ClientConfig.ExecConfig(command, strings(m.get("args")), env, apiVersion,
                str(m.get("installHint")), bool(m.get("provideClusterInfo")), str(m.get("interactiveMode")), extension);
    }

    /** The legacy auth providers (oidc, gcp, azure) keep a ready token in their config. */
    private static String authProviderToken(Map<?, ?> provider) {
        String name = str(provider.get("name"));
        Map<?, ?> config = provider.get("config") instanceof Map<?, ?> c ? c : Map.of();
        String token = "oidc".equals(name) ? str(config.get("id-token")) : str(config.get("access-token"));
        if (token == null || token.isEmpty()) {
            throw new KubeException("auth-provider \"" + name + "\" is not supported without a cached token; "
                    + "use an exec credential plugin (e.g. kubelogin or gke-gcloud-auth-plugin)");
        }
        return token;
    }

    private static URI serverUri(String text) {
        String s = text;
        if (!s.contains("://")) {
            s = "https://" + s;
        }
        try {
            URI uri = new URI(s);
            if (uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                throw new URISyntaxException(text, "expected https://host[:port]");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new KubeException("invalid server URL \"" + text + "\": " + e.getReason());
        }
    }

    static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static boolean bool(Object o) {
        return o instanceof Boolean b ? b : o != null && Boolean.parseBoolean(o.toString());
    }

    private static Path path(Object o) {
        String s = str(o);
        return s == null || s.isEmpty() ? null : Path.of(s);
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object item : list) {
                out.add(str(item));
            }
        }
        return out;
    }

    private static byte[] base64(Object o, String what) {
        String s = str(o);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Base64.getMimeDecoder().decode(s.trim());
        } catch (IllegalArgumentException e) {
            throw new KubeException("invalid " + what + ": not base64");
        }
    }
}
