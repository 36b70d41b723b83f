package io.kubeexec.pi.kube;

import io.kubeexec.pi.Trace;
import io.kubeexec.pi.json.Json;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The plugin's HTTP client for its few Kubernetes API calls: the JDK's {@code HttpsURLConnection} (java.base, cheap
 * to load; the JDK's {@code HttpClient} cost a cold run some 50 ms more CPU, measured, and does neither SOCKS5 nor
 * {@code tls-server-name}), plus what kubectl adds: the kubeconfig's TLS and {@code tls-server-name}, client
 * certificates, bearer and basic auth, impersonation, proxies ({@code proxy-url}, {@code HTTPS_PROXY}/{@code
 * NO_PROXY}: http and socks5; an https:// proxy is refused by name) and timeouts. The JDK keeps the connection alive
 * between requests.
 */
public final class ApiClient implements Closeable {

    public static final String USER_AGENT = "kubectl-pi/0.1.0 (" + System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT)
            + "/" + System.getProperty("os.arch", "amd64") + ")";
    private static final int CONNECT_TIMEOUT_MS = 30_000;
    /**
     * The largest response body read, before and after gzip: a page of 500 pods' metadata is a few MiB, so this only
     * stops a broken or hostile server (or a proxy in the middle) from filling the memory of the plugin.
     */
    static final int MAX_BODY_BYTES = 64 << 20;

    static {
        // Basic auth for a proxy's CONNECT from the proxy URL's user info, as Go sends it: the JDK refuses Basic for
        // tunnels unless told otherwise (read once, when HttpURLConnection is first loaded).
        if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
    }

    private final ClientConfig config;
    private final Function<String, String> env;
    private final boolean stdinIsTerminal;
    private final int maxBodyBytes;
    private SSLSocketFactory tls;
    private SSLSocketFactory layer;
    private boolean defaultGroups = Tls.SET_NAMED_GROUPS == null;
    private String authorization;
    private boolean credentialsResolved;
    /** The TLS sockets this client opened, which the JDK may keep alive: closed by {@link #close}. */
    private final List<Socket> sockets = new java.util.ArrayList<>();

    public ApiClient(ClientConfig config, Function<String, String> env, boolean stdinIsTerminal) {
        this(config, env, stdinIsTerminal, MAX_BODY_BYTES);
    }

    ApiClient(ClientConfig config, Function<String, String> env, boolean stdinIsTerminal, int maxBodyBytes) {
        this.config = config;
        this.env = env;
        this.stdinIsTerminal = stdinIsTerminal;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A response body over the limit: reported as such, not as a connection problem. */
    private static final class BodyTooLarge extends IOException {
        BodyTooLarge(String message) {
            super(message);
        }
    }

    /** An HTTP response: status, body and (lower-cased) content type. */
    public record Response(int status, byte[] body, String contentType) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** GET and parse JSON, turning any non-2xx answer into a {@link KubeException} with the API's message. */
    public Map<String, Object> getJson(String path, String accept) {
        return json(send("GET", path, accept, null, null));
    }

    public Map<String, Object> patchJson(String path, String contentType, String body) {
        return json(send("PATCH", path, "application/json", contentType, body.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, Object> json(Response r) {
        if (r.status() < 200 || r.status() > 299) {
            throw error(r);
        }
        try {
            return Json.parseObject(r.text());
        } catch (IllegalArgumentException e) {
            throw new KubeException("the server returned an unreadable response: " + e.getMessage());
        }
    }

    static KubeException error(Response r) {
        String message = null;
        if (r.contentType() != null && r.contentType().contains("json")) {
            try {
                Map<String, Object> status = Json.parseObject(r.text());
                message = status.get("message") instanceof String s ? s : null;
            } catch (IllegalArgumentException ignored) {
                // fall through to the raw body
            }
        }
        if (r.status() == 401) {
            message = "You must be logged in to the server (Unauthorized)"; // kubectl's words
        } else if (message == null || message.isEmpty()) {
            String body = r.text().strip();
            if (body.length() > 200) {
                body = body.substring(0, 200) + "...";
            }
            message = "the server responded with status " + r.status() + (body.isEmpty() ? "" : ": " + body);
        }
        return new KubeException(message, r.status(), null);
    }

    /**
     * A watch: each line of the response (one JSON event) is parsed and handed over as it arrives, each bounded as a
     * whole body is; returns when the server ends the response. No read timeout applies, as kubectl's watches have
     * none: the server ends a watch after its own --min-request-timeout (30 to 60 minutes by default).
     */
    public void stream(String path, String accept, Consumer<Map<String, Object>> events) {
        HttpURLConnection c = open("GET", path, accept, null, null, true);
        try {
            if (c.getResponseCode() < 200 || c.getResponseCode() > 299) {
                throw error(response(c));
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(c.getInputStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder line = new StringBuilder();
                for (int ch = lines.read(); ch != -1; ch = lines.read()) {
                    if (ch != '\n') {
                        if (line.length() >= maxBodyBytes) {
                            throw tooLarge(" (one watch event)");
                        }
                        line.append((char) ch);
                    } else if (line.length() > 0) {
                        event(line.toString(), events);
                        line.setLength(0);
                    }
                }
            }
        } catch (IOException e) {
            c.disconnect();
            throw failure(e);
        }
    }

    private static void event(String line, Consumer<Map<String, Object>> events) {
        try {
            events.accept(Json.parseObject(line));
        } catch (IllegalArgumentException e) {
            throw new KubeException("the server sent an unreadable watch event: " + e.getMessage());
        }
    }

    /** Sends one request; the JDK reuses the kept-alive connection and reopens one the server closed while idle. */
    public Response send(String method, String path, String accept, String contentType, byte[] body) {
        HttpURLConnection c = open(method, path, accept, contentType, body, false);
        try {
            Response r = response(c);
            Trace.mark("response read");
            return r;
        } catch (IOException e) {
            c.disconnect();
            throw failure(e);
        }
    }

    private KubeException failure(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return new KubeException("the request to " + config.server() + " timed out", e);
        }
        return new KubeException(e instanceof BodyTooLarge ? e.getMessage() : connectionError(e), e);
    }

    /**
     * A connection with the request sent and the status line read. The API server is first offered an X25519 key
     * share alone ({@link Tls#SET_NAMED_GROUPS}); one that refuses it is asked again with the JDK's defaults, once.
     */
    private HttpURLConnection open(String method, String path, String accept, String contentType, byte[] body,
            boolean watch) {
        resolveCredentials();
        Map<String, List<String>> headers = headers(accept, contentType);
        try {
            try {
                return request(method, path, headers, body, watch);
            } catch (SSLHandshakeException e) {
                // Only the server refusing the key share is worth a second try; a bad certificate is not.
                if (defaultGroups || e.getMessage() == null || !e.getMessage().contains("Received fatal alert")) {
                    throw e;
                }
                defaultGroups = true;
                layer = null;
                return request(method, path, headers, body, watch);
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private HttpURLConnection request(String method, String path, Map<String, List<String>> headers, byte[] body,
            boolean watch) throws IOException {
        URI server = config.server();
        String base = server.getRawPath() == null ? "" : server.getRawPath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URL url = new URL(server.getScheme() + "://" + server.getRawAuthority() + base + path);
        URI proxy = proxyUri();
        if (https()) {
            // Every new HttpsURLConnection asks for the default factory first, and the JDK's own would parse its
            // whole cacerts file (measured: 45 to 57 ms of a cold run) before ours replaces it.
            HttpsURLConnection.setDefaultSSLSocketFactory(layer());
        }
        HttpURLConnection c = (HttpURLConnection) url.openConnection(proxy(proxy));
        if (proxy != null && proxy.getRawUserInfo() != null) {
            c.setAuthenticator(credentials(proxy));
        }
        if (c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(layer());
        }
        method(c, method);
        int timeout = config.requestTimeout() == null ? 0 : (int) Math.min(Integer.MAX_VALUE,
                Math.max(1, config.requestTimeout().toMillis()));
        c.setConnectTimeout(timeout > 0 ? Math.min(timeout, CONNECT_TIMEOUT_MS) : CONNECT_TIMEOUT_MS);
        c.setReadTimeout(watch ? 0 : timeout);
        c.setUseCaches(false);
        headers.forEach((name, values) -> values.forEach(v -> c.addRequestProperty(name, v)));
        if (body != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        c.getResponseCode();
        return c;
    }

    /**
     * HttpURLConnection refuses PATCH by name, so the method is set on it (and on the HTTPS implementation's
     * delegate) directly; the jar's manifest opens both packages to the plugin (Add-Opens).
     */
    private static void method(HttpURLConnection c, String method) throws IOException {
        try {
            c.setRequestMethod(method);
        } catch (ProtocolException refused) {
            try {
                Field field = HttpURLConnection.class.getDeclaredField("method");
                field.setAccessible(true);
                field.set(c, method);
                if (c instanceof HttpsURLConnection) {
                    Field delegate = c.getClass().getDeclaredField("delegate");
                    delegate.setAccessible(true);
                    field.set(delegate.get(c), method);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new KubeException("this Java does not let kubectl pi send HTTP " + method + " (run it with "
                        + "--add-opens java.base/java.net=ALL-UNNAMED): " + e, e);
            }
        }
    }

    private Response response(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        long declared = c.getContentLengthLong();
        if (declared > maxBodyBytes) {
            c.disconnect();
            throw tooLarge(" (it declares " + declared + " bytes)");
        }
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String type = c.getContentType() == null ? null : c.getContentType().toLowerCase(Locale.ROOT);
        if (in == null) {
            return new Response(status, new byte[0], type);
        }
        boolean gzip = "gzip".equalsIgnoreCase(c.getContentEncoding());
        try (InputStream body = gzip ? new GZIPInputStream(in) : in) {
            byte[] bytes = body.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                c.disconnect();
                throw tooLarge(gzip ? " once unzipped" : "");
            }
            return new Response(status, bytes, type);
        }
    }

    private BodyTooLarge tooLarge(String detail) {
        return new BodyTooLarge("the response of " + config.server().getHost() + " is larger than "
                + (maxBodyBytes >= 1 << 20 ? (maxBodyBytes >> 20) + " MiB" : maxBodyBytes + " bytes")
                + ", the most kubectl pi reads" + detail + "; refusing it");
    }

    private String connectionError(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "Unable to connect to the server: dial tcp " + config.server().getHost() + ":" + port()
                    + ": connect: connection refused";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "Unable to connect to the server: dial tcp: lookup " + config.server().getHost() + ": no such host";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "Unable to connect to the server: tls: " + m;
        }
        return "Unable to connect to the server: " + m;
    }

    /** The request's headers, each value checked before anything is sent. */
    private Map<String, List<String>> headers(String accept, String contentType) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        header(headers, "User-Agent", USER_AGENT);
        if (accept != null) {
            header(headers, "Accept", accept);
        }
        if (authorization != null) {
            header(headers, "Authorization", authorization);
        }
        if (config.impersonateUser() != null && !config.impersonateUser().isEmpty()) {
            header(headers, "Impersonate-User", config.impersonateUser());
            for (String g : config.impersonateGroups()) {
                header(headers, "Impersonate-Group", g);
            }
            for (Map.Entry<String, List<String>> e : config.impersonateExtra().entrySet()) {
                for (String v : e.getValue()) {
                    header(headers, "Impersonate-Extra-" + URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8), v);
                }
            }
        }
        if (contentType != null) {
            header(headers, "Content-Type", contentType);
        }
        return headers;
    }

    /**
     * One header value. A value with a line break would end the header early and let the rest pass for headers or a
     * request of its own (an impersonated group "x\r\nImpersonate-User: admin"), so, as Go's net/http does for
     * kubectl, any control character but a tab refuses the request before anything is sent. The value itself is not
     * repeated: it may be a token.
     */
    private static void header(Map<String, List<String>> headers, String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new KubeException("invalid header field value for \"" + name + "\": it contains "
                        + (c == '\r' || c == '\n' ? "a line break (CR or LF)" : "a control character")
                        + "; nothing was sent" + (name.equals("Authorization")
                                ? " (check the token or password from the kubeconfig, token file or exec plugin)"
                                : name.startsWith("Impersonate") ? " (check --as, --as-group and the kubeconfig's as*)"
                                : ""));
            }
        }
        headers.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
    }

    private int port() {
        URI s = config.server();
        return s.getPort() >= 0 ? s.getPort() : s.getScheme().equals("https") ? 443 : 80;
    }

    private boolean https() {
        return config.server().getScheme().equals("https");
    }

    private URI proxyUri() {
        String host = config.server().getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return Proxies.forTarget(config.proxyUrl(), https(), host, env);
    }

    /** The proxy for the API server as the JDK takes it: http (CONNECT for https servers) or SOCKS5. */
    private static Proxy proxy(URI proxy) {
        if (proxy == null) {
            return Proxy.NO_PROXY;
        }
        String scheme = proxy.getScheme() == null ? "" : proxy.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.startsWith("socks5")) {
            throw new KubeException("proxy " + proxy + ": " + scheme + ":// proxies are not supported by kubectl pi; "
                    + "use an http:// or socks5:// proxy");
        }
        boolean socks = scheme.startsWith("socks5");
        int port = proxy.getPort() >= 0 ? proxy.getPort() : socks ? 1080 : 80;
        return new Proxy(socks ? Proxy.Type.SOCKS : Proxy.Type.HTTP, new InetSocketAddress(proxy.getHost(), port));
    }

    /** The proxy URL's user info, for the JDK to answer the proxy's 407 with (Basic, as Go sends it). */
    private static Authenticator credentials(URI proxy) {
        String info = URLDecoder.decode(proxy.getRawUserInfo(), StandardCharsets.UTF_8);
        int colon = info.indexOf(':');
        PasswordAuthentication auth = new PasswordAuthentication(colon < 0 ? info : info.substring(0, colon),
                (colon < 0 ? "" : info.substring(colon + 1)).toCharArray());
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY ? auth : null;
            }
        };
    }

    /** The TLS layer: {@link Tls#socket} over the connection the JDK opened, directly or through a proxy. */
    private SSLSocketFactory layer() {
        if (layer == null) {
            String[] groups = defaultGroups ? new String[0] : new String[] {"x25519"};
            String serverName = config.tlsServerName();
            layer = new Layer(tls, serverName == null || serverName.isEmpty() ? null : serverName, groups, sockets);
        }
        return layer;
    }

    private void resolveCredentials() {
        if (credentialsResolved) {
            return;
        }
        byte[] cert = config.clientCertificateData();
        if (cert == null && config.clientCertificateFile() != null) {
            cert = Tls.read(config.clientCertificateFile(), "client-certificate");
        }
        byte[] key = config.clientKeyData();
        if (key == null && config.clientKeyFile() != null) {
            key = Tls.read(config.clientKeyFile(), "client-key");
        }
        String token = config.token();
        if ((token == null || token.isEmpty()) && config.tokenFile() != null) {
            try {
                token = Files.readString(config.tokenFile()).trim();
            } catch (IOException e) {
                throw new KubeException("unable to read token file " + config.tokenFile() + ": " + e.getMessage(), e);
            }
        }
        if ((token == null || token.isEmpty()) && cert == null && config.exec() != null) {
            ExecCredentials.Result r = ExecCredentials.run(config.exec(), config, stdinIsTerminal);
            token = r.token();
            if (r.clientCertificateData() != null) {
                cert = r.clientCertificateData();
                key = r.clientKeyData();
            }
        }
        if ((cert == null) != (key == null)) {
            throw new KubeException("invalid configuration: client-certificate and client-key must be given together");
        }
        if (token != null && !token.isEmpty()) {
            authorization = "Bearer " + token;
        } else if (config.username() != null && !config.username().isEmpty()) {
            String pw = config.password() == null ? "" : config.password();
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (config.username() + ":" + pw).getBytes(StandardCharsets.UTF_8));
        }
        if (https()) {
            tls = Tls.context(config, cert, key).getSocketFactory();
        }
        Trace.mark("credentials and TLS context ready");
        credentialsResolved = true;
    }

    /** Closes the kept-alive connections, which the JDK would otherwise hold for 5 s after the last request. */
    @Override
    public void close() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        sockets.clear();
    }

    /**
     * Creates the TLS socket over the connection the JDK opened (directly, through a CONNECT tunnel or SOCKS) for
     * {@code tls-server-name} when one is set, the URL's host otherwise. The socket asks for the JDK's HTTPS
     * endpoint identification itself, so the JDK's HttpsURLConnection leaves the host-name check to it.
     */
    private static final class Layer extends SSLSocketFactory {
        private final SSLSocketFactory tls;
        private final String serverName;
        private final String[] groups;
        private final List<Socket> opened;

        Layer(SSLSocketFactory tls, String serverName, String[] groups, List<Socket> opened) {
            this.tls = tls;
            this.serverName = serverName;
            this.groups = groups;
            this.opened = opened;
        }

        @Override
        public Socket createSocket() {
            return new Socket(); // connected by the JDK, then layered below
        }

        @Override
        public Socket createSocket(Socket raw, String host, int port, boolean autoClose) throws IOException {
            Trace.mark("TCP connected");
            raw.setTcpNoDelay(true);
            SSLSocket socket = Tls.socket(tls, raw, serverName != null ? serverName : host, port, groups);
            opened.add(socket);
            // Here rather than in the JDK's HttpsClient, which first registers a listener: the JDK then starts a
            // thread per handshake to tell it the handshake is done.
            socket.startHandshake();
            Trace.mark("TLS handshake done");
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new SocketException("not used: the JDK connects, this factory only layers TLS");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            throw new SocketException("not used");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new SocketException("not used");
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            throw new SocketException("not used");
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }
    }

    /** Proxy selection as Go's net/http does it: loopback is never proxied; NO_PROXY wins over the env proxies. */
    static final class Proxies {
        private Proxies() {
        }

        static URI forTarget(URI configured, boolean https, String host, Function<String, String> env) {
            if (configured != null) {
                return configured;
            }
            if (isLoopback(host)) {
                return null;
            }
            String value = https ? first(env, "HTTPS_PROXY", "https_proxy") : first(env, "HTTP_PROXY", "http_proxy");
            if (value == null || value.isEmpty()) {
                return null;
            }
            String noProxy = first(env, "NO_PROXY", "no_proxy");
            if (noProxy != null && excluded(noProxy, host)) {
                return null;
            }
            return URI.create(value.contains("://") ? value : "http://" + value);
        }

        private static String first(Function<String, String> env, String a, String b) {
            String v = env.apply(a);
            return v != null && !v.isEmpty() ? v : env.apply(b);
        }

        static boolean isLoopback(String host) {
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            if (!isIpLiteral(host)) {
                return false;
            }
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (IOException e) {
                return false;
            }
        }

        static boolean isIpLiteral(String host) {
            return host.contains(":") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        }

        static boolean excluded(String noProxy, String host) {
            String h = host.toLowerCase(Locale.ROOT);
            for (String raw : noProxy.split(",")) {
                String entry = raw.trim().toLowerCase(Locale.ROOT);
                if (entry.isEmpty()) {
                    continue;
                }
                if (entry.equals("*")) {
                    return true;
                }
                if (entry.contains("/") && isIpLiteral(h)) {
                    if (inCidr(h, entry)) {
                        return true;
                    }
                    continue;
                }
                int colon = entry.lastIndexOf(':');
                if (colon > 0 && !entry.contains("]") && entry.indexOf(':') == colon) {
                    entry = entry.substring(0, colon); // host:port entries match the host
                }
                if (entry.startsWith("*.")) {
                    entry = entry.substring(1);
                }
                if (entry.startsWith(".")) {
                    if (h.endsWith(entry) || h.equals(entry.substring(1))) {
                        return true;
                    }
                } else if (h.equals(entry) || h.endsWith("." + entry)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean inCidr(String ip, String cidr) {
            try {
                String[] parts = cidr.split("/");
                byte[] net = InetAddress.getByName(parts[0]).getAddress();
                byte[] addr = InetAddress.getByName(ip).getAddress();
                int bits = Integer.parseInt(parts[1]);
                if (net.length != addr.length) {
                    return false;
                }
                for (int i = 0; i < net.length && bits > 0; i++, bits -= 8) {
                    int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                    if ((net[i] & mask) != (addr[i] & mask)) {
                        return false;
                    }
                }
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }
}
