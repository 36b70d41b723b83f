package io.kubeexec.pi.kube;

import io.kubeexec.pi.json.Json;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.net.Authenticator;
import java.net.ConnectException;
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
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The plugin's HTTP client: the JDK's {@code HttpsURLConnection}, kept alive between requests (its {@code HttpClient}
 * cost a cold run some 50 ms more CPU, measured, and does neither SOCKS5 nor {@code tls-server-name}), plus what
 * kubectl adds: the kubeconfig's TLS, credentials, impersonation, proxies (http and socks5) and timeouts.
 */
public final class ApiClient implements Closeable {

    private static final String USER_AGENT = "kubectl-pi/0.1.0 ("
            + System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT) + "/"
            + System.getProperty("os.arch", "amd64") + ")";
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
    private final SSLSocketFactory layer = new Layer();
    private boolean defaultGroups = Tls.SET_NAMED_GROUPS == null;
    private String authorization;
    private boolean credentialsResolved;
    /** The TLS sockets this client opened, which the JDK may keep alive: closed by {@link #close}. */
    private final List<Socket> sockets = new ArrayList<>();

    public ApiClient(ClientConfig config, Function<String, String> env, boolean stdinIsTerminal) {
        this(config, env, stdinIsTerminal, MAX_BODY_BYTES);
    }

    ApiClient(ClientConfig config, Function<String, String> env, boolean stdinIsTerminal, int maxBodyBytes) {
        this.config = config;
        this.env = env;
        this.stdinIsTerminal = stdinIsTerminal;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** GET and parse JSON, turning any non-2xx answer into a {@link KubeException} with the API's message. */
    public Map<String, Object> getJson(String path, String accept) {
        return send("GET", path, accept, null, null);
    }

    public Map<String, Object> patchJson(String path, String contentType, String body) {
        return send("PATCH", path, "application/json", contentType, body.getBytes(UTF_8));
    }

    /** Sends one request; the JDK reuses the kept-alive connection and reopens one the server closed while idle. */
    private Map<String, Object> send(String method, String path, String accept, String contentType, byte[] body) {
        HttpURLConnection c = open(method, path, accept, contentType, body, false);
        String text;
        try {
            text = read(c);
        } catch (IOException e) {
            c.disconnect();
            throw failure(e);
        }
        Trace.mark("response read");
        return parse(text, "the server returned an unreadable response: ");
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
                read(c); // throws the API's error
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(c.getInputStream(), UTF_8))) {
                StringBuilder line = new StringBuilder();
                for (int ch = lines.read(); ch != -1; ch = lines.read()) {
                    if (ch != '\n') {
                        if (line.length() >= maxBodyBytes) {
                            throw tooLarge(c, " (one watch event)");
                        }
                        line.append((char) ch);
                    } else if (line.length() > 0) {
                        events.accept(parse(line.toString(), "the server sent an unreadable watch event: "));
                        line.setLength(0);
                    }
                }
            }
        } catch (IOException e) {
            c.disconnect();
            throw failure(e);
        }
    }

    private static Map<String, Object> parse(String json, String what) {
        try {
            return Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new KubeException(what + e.getMessage());
        }
    }

    /** The body of a 2xx answer, read up to the bound; any other answer is thrown with the API's message. */
    private String read(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        if (c.getContentLengthLong() > maxBodyBytes) {
            throw tooLarge(c, " (it declares " + c.getContentLengthLong() + " bytes)");
        }
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] bytes = new byte[0];
        if (in != null) {
            boolean gzip = "gzip".equalsIgnoreCase(c.getContentEncoding());
            try (InputStream body = gzip ? new GZIPInputStream(in) : in) {
                bytes = body.readNBytes(maxBodyBytes + 1);
                if (bytes.length > maxBodyBytes) {
                    throw tooLarge(c, gzip ? " once unzipped" : "");
                }
            }
        }
        String text = new String(bytes, UTF_8);
        if (status >= 200 && status <= 299) {
            return text;
        }
        if (status == 401) {
            throw new KubeException("You must be logged in to the server (Unauthorized)", status, null); // kubectl's
        }
        String message = null;
        if (c.getContentType() != null && c.getContentType().toLowerCase(Locale.ROOT).contains("json")) {
            try {
                message = Json.parseObject(text).get("message") instanceof String m && !m.isEmpty() ? m : null;
            } catch (IllegalArgumentException ignored) {
                // the raw body, then
            }
        }
        if (message == null) {
            String body = text.strip();
            message = "the server responded with status " + status + (body.isEmpty() ? ""
                    : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body));
        }
        throw new KubeException(message, status, null);
    }

    /** A response body over the limit, reported as such rather than as a connection problem; the connection goes. */
    private KubeException tooLarge(HttpURLConnection c, String detail) {
        c.disconnect();
        return new KubeException("the response of " + config.server().getHost() + " is larger than "
                + (maxBodyBytes >= 1 << 20 ? (maxBodyBytes >> 20) + " MiB" : maxBodyBytes + " bytes")
                + ", the most kubectl pi reads" + detail + "; refusing it");
    }

    private KubeException failure(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return new KubeException("the request to " + config.server() + " timed out", e);
        }
        URI s = config.server();
        String m = e instanceof ConnectException ? "dial tcp " + s.getHost() + ":"
                + (s.getPort() >= 0 ? s.getPort() : https() ? 443 : 80) + ": connect: connection refused"
                : e instanceof UnknownHostException ? "dial tcp: lookup " + s.getHost() + ": no such host"
                : (e instanceof SSLException ? "tls: " : "")
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return new KubeException("Unable to connect to the server: " + m, e);
    }

    /**
     * A connection with the request sent and the status line read. The API server is first offered an X25519 key
     * share alone ({@link Tls#SET_NAMED_GROUPS}); one that refuses it is asked again with the JDK's defaults, once.
     */
    private HttpURLConnection open(String method, String path, String accept, String contentType, byte[] body,
            boolean watch) {
        resolveCredentials();
        try {
            return request(method, path, accept, contentType, body, watch);
        } catch (SSLHandshakeException e) {
            // Only the server refusing the key share is worth a second try; a bad certificate is not.
            if (defaultGroups || e.getMessage() == null || !e.getMessage().contains("Received fatal alert")) {
                throw failure(e);
            }
            defaultGroups = true;
            return open(method, path, accept, contentType, body, watch);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private HttpURLConnection request(String method, String path, String accept, String contentType, byte[] body,
            boolean watch) throws IOException {
        URI server = config.server();
        String base = server.getRawPath() == null ? "" : server.getRawPath();
        URL url = new URL(server.getScheme() + "://" + server.getRawAuthority()
                + (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
        String host = server.getHost();
        URI proxy = Proxies.forTarget(config.proxyUrl(), https(), host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host, env);
        // Every new HttpsURLConnection takes the default factory, and the JDK's own would parse its whole cacerts
        // file (measured: 45 to 57 ms of a cold run) before ours replaces it: ours is the default.
        HttpsURLConnection.setDefaultSSLSocketFactory(layer);
        HttpURLConnection c = (HttpURLConnection) url.openConnection(proxy(proxy));
        if (proxy != null && proxy.getRawUserInfo() != null) {
            c.setAuthenticator(credentials(proxy));
        }
        method(c, method);
        int timeout = config.requestTimeout() == null ? 0 : (int) Math.min(Integer.MAX_VALUE,
                Math.max(1, config.requestTimeout().toMillis()));
        c.setConnectTimeout(timeout > 0 ? Math.min(timeout, CONNECT_TIMEOUT_MS) : CONNECT_TIMEOUT_MS);
        c.setReadTimeout(watch ? 0 : timeout);
        c.setUseCaches(false);
        header(c, "User-Agent", USER_AGENT);
        header(c, "Accept", accept);
        header(c, "Authorization", authorization);
        if (config.impersonateUser() != null && !config.impersonateUser().isEmpty()) {
            header(c, "Impersonate-User", config.impersonateUser());
            config.impersonateGroups().forEach(group -> header(c, "Impersonate-Group", group));
            config.impersonateExtra().forEach((key, values) -> values.forEach(
                    v -> header(c, "Impersonate-Extra-" + URLEncoder.encode(key, UTF_8), v)));
        }
        header(c, "Content-Type", contentType);
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

    /**
     * One header value, if any. A value with a line break would end the header early and let the rest pass for
     * headers or a request of its own (an impersonated group "x\r\nImpersonate-User: admin"), so, as Go's net/http
     * does for kubectl, any control character but a tab refuses the request before anything is sent. The value
     * itself is not repeated: it may be a token.
     */
    private static void header(HttpURLConnection c, String name, String value) {
        if (value == null) {
            return;
        }
        for (char ch : value.toCharArray()) {
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
                throw new KubeException("invalid header field value for \"" + name + "\": it contains "
                        + (ch == '\r' || ch == '\n' ? "a line break (CR or LF)" : "a control character")
                        + "; nothing was sent" + (name.equals("Authorization")
                                ? " (check the token or password from the kubeconfig, token file or exec plugin)"
                                : name.startsWith("Impersonate") ? " (check --as, --as-group and the kubeconfig's as*)"
                                : ""));
            }
        }
        c.addRequestProperty(name, value);
    }

    private boolean https() {
        return config.server().getScheme().equals("https");
    }

    /** The proxy for the API server as the JDK takes it: http (CONNECT for https servers) or SOCKS5. */
    private static Proxy proxy(URI proxy) {
        if (proxy == null) {
            return Proxy.NO_PROXY;
        }
        String scheme = proxy.getScheme() == null ? "" : proxy.getScheme().toLowerCase(Locale.ROOT);
        boolean socks = scheme.startsWith("socks5");
        if (!scheme.equals("http") && !socks) {
            throw new KubeException("proxy " + proxy + ": " + scheme + ":// proxies are not supported by kubectl pi; "
                    + "use an http:// or socks5:// proxy");
        }
        int port = proxy.getPort() >= 0 ? proxy.getPort() : socks ? 1080 : 80;
        return new Proxy(socks ? Proxy.Type.SOCKS : Proxy.Type.HTTP, new InetSocketAddress(proxy.getHost(), port));
    }

    /** The proxy URL's user info, for the JDK to answer the proxy's 407 with (Basic, as Go sends it). */
    private static Authenticator credentials(URI proxy) {
        String[] info = URLDecoder.decode(proxy.getRawUserInfo(), UTF_8).split(":", 2);
        PasswordAuthentication auth = new PasswordAuthentication(info[0],
                (info.length > 1 ? info[1] : "").toCharArray());
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY ? auth : null;
            }
        };
    }

    private void resolveCredentials() {
        if (credentialsResolved) {
            return;
        }
        byte[] cert = Tls.read(config.clientCertificateData(), config.clientCertificateFile(), "client-certificate");
        byte[] key = Tls.read(config.clientKeyData(), config.clientKeyFile(), "client-key");
        String token = config.token();
        if ((token == null || token.isEmpty()) && config.tokenFile() != null) {
            token = new String(Tls.read(null, config.tokenFile(), "token file"), UTF_8).trim();
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
                    (config.username() + ":" + pw).getBytes(UTF_8));
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
    private final class Layer extends SSLSocketFactory {
        @Override
        public Socket createSocket() {
            return new Socket(); // connected by the JDK, then layered below
        }

        @Override
        public Socket createSocket(Socket raw, String host, int port, boolean autoClose) throws IOException {
            Trace.mark("TCP connected");
            raw.setTcpNoDelay(true);
            String name = config.tlsServerName() == null || config.tlsServerName().isEmpty() ? host
                    : config.tlsServerName();
            SSLSocket socket = Tls.socket(tls, raw, name, port,
                    defaultGroups ? new String[0] : new String[] {"x25519"});
            sockets.add(socket);
            // Here rather than in the JDK's HttpsClient, which first registers a listener: the JDK then starts a
            // thread per handshake to tell it the handshake is done.
            socket.startHandshake();
            Trace.mark("TLS handshake done");
            return socket;
        }

        private static Socket unused() throws SocketException {
            throw new SocketException("not used: the JDK connects, this factory only layers TLS");
        }

        public Socket createSocket(String h, int p) throws IOException { return unused(); }
        public Socket createSocket(InetAddress h, int p) throws IOException { return unused(); }
        public Socket createSocket(String h, int p, InetAddress l, int lp) throws IOException { return unused(); }
        public Socket createSocket(InetAddress h, int p, InetAddress l, int lp) throws IOException { return unused(); }
        public String[] getDefaultCipherSuites() { return tls.getDefaultCipherSuites(); }
        public String[] getSupportedCipherSuites() { return tls.getSupportedCipherSuites(); }
    }

    /** Proxy selection as Go's net/http does it: loopback is never proxied; NO_PROXY wins over the env proxies. */
    static final class Proxies {
        private Proxies() {
        }

        static URI forTarget(URI configured, boolean https, String host, Function<String, String> env) {
            String value = https ? first(env, "HTTPS_PROXY", "https_proxy") : first(env, "HTTP_PROXY", "http_proxy");
            String noProxy = first(env, "NO_PROXY", "no_proxy");
            if (configured != null || value == null || value.isEmpty() || isLoopback(host)
                    || noProxy != null && excluded(noProxy, host.toLowerCase(Locale.ROOT))) {
                return configured;
            }
            return URI.create(value.contains("://") ? value : "http://" + value);
        }

        private static String first(Function<String, String> env, String a, String b) {
            String v = env.apply(a);
            return v != null && !v.isEmpty() ? v : env.apply(b);
        }

        private static boolean isLoopback(String host) {
            try {
                return host.equalsIgnoreCase("localhost")
                        || isIp(host) && InetAddress.getByName(host).isLoopbackAddress();
            } catch (IOException e) {
                return false;
            }
        }

        private static boolean isIp(String host) {
            return host.contains(":") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        }

        /** Go's rules: {@code *}, CIDRs for IPs, and names that match themselves and their subdomains, any port. */
        private static boolean excluded(String noProxy, String host) {
            for (String raw : noProxy.split(",")) {
                String entry = raw.trim().toLowerCase(Locale.ROOT);
                if (entry.equals("*")) {
                    return true;
                }
                if (entry.contains("/") && isIp(host)) {
                    try {
                        String[] cidr = entry.split("/");
                        byte[] net = InetAddress.getByName(cidr[0]).getAddress();
                        byte[] ip = InetAddress.getByName(host).getAddress();
                        BigInteger hostPart = new BigInteger(1, net).xor(new BigInteger(1, ip))
                                .shiftRight(net.length * 8 - Integer.parseInt(cidr[1]));
                        if (net.length == ip.length && hostPart.signum() == 0) {
                            return true;
                        }
                    } catch (IOException | RuntimeException e) {
                        // not a CIDR: no match
                    }
                    continue;
                }
                int colon = entry.lastIndexOf(':');
                if (colon > 0 && !entry.contains("]") && entry.indexOf(':') == colon) {
                    entry = entry.substring(0, colon); // host:port entries match the host
                }
                String name = entry.startsWith("*.") ? entry.substring(2) : entry.startsWith(".") ? entry.substring(1)
                        : entry;
                if (!entry.isEmpty() && (host.equals(name) || host.endsWith("." + name))) {
                    return true;
                }
            }
            return false;
        }
    }
}
