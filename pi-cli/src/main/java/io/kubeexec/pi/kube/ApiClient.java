package io.kubeexec.pi.kube;

import io.kubeexec.pi.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal HTTP/1.1 client for the few Kubernetes API calls the plugin makes, over one kept-alive JSSE socket.
 * The JDK's {@code HttpClient} costs tens of milliseconds of class loading and threads a short-lived CLI does not
 * need; this keeps what matters: TLS with hostname verification, client certificates, bearer and basic auth,
 * impersonation, proxies ({@code proxy-url}, {@code HTTPS_PROXY}/{@code NO_PROXY}) and timeouts.
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
    /** The longest status, header or chunk-size line read, and the most header lines. */
    private static final int MAX_LINE_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 1000;
    private final ClientConfig config;
    private final Function<String, String> env;
    private final boolean stdinIsTerminal;
    private final int maxBodyBytes;
    private SSLSocketFactory tls;
    private boolean defaultGroups = Tls.SET_NAMED_GROUPS == null;
    private String authorization;
    private boolean credentialsResolved;
    private Socket socket;
    /** Set while a watch is read: the chunks of a successful response go here as they arrive. */
    private java.util.function.Consumer<byte[]> sink;
    private BufferedInputStream in;
    private OutputStream out;

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

    public ClientConfig config() {
        return config;
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
        String reason = null;
        if (r.contentType() != null && r.contentType().contains("json")) {
            try {
                Map<String, Object> status = Json.parseObject(r.text());
                message = status.get("message") instanceof String s ? s : null;
                reason = status.get("reason") instanceof String s ? s : null;
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
        return new KubeException(message, r.status(), reason, null);
    }

    /**
     * A watch: each line of the response (one JSON event) is parsed and handed over as it arrives, each bounded as a
     * whole body is; returns when the server ends the response. No read timeout applies, as kubectl's watches have
     * none: the server ends a watch after its own --min-request-timeout (30 to 60 minutes by default).
     */
    public void stream(String path, String accept, java.util.function.Consumer<Map<String, Object>> events) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        sink = chunk -> {
            for (byte b : chunk) {
                if (b != '\n') {
                    line.write(b);
                } else if (line.size() > 0) {
                    String event = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    try {
                        events.accept(Json.parseObject(event));
                    } catch (IllegalArgumentException e) {
                        throw new KubeException("the server sent an unreadable watch event: " + e.getMessage());
                    }
                }
            }
            if (line.size() > maxBodyBytes) {
                throw new KubeException(tooLarge(" (one watch event)").getMessage());
            }
        };
        try {
            Response r = send("GET", path, accept, null, null);
            if (r.status() < 200 || r.status() > 299) {
                throw error(r);
            }
        } finally {
            sink = null;
        }
    }

    /** Sends one request, reusing the connection; a connection the server closed while idle is reopened once. */
    public Response send(String method, String path, String accept, String contentType, byte[] body) {
        resolveCredentials();
        byte[] request = requestBytes(method, path, accept, contentType, body);
        for (int attempt = 0; ; attempt++) {
            boolean reused = socket != null;
            try {
                if (socket == null) {
                    connect();
                }
                if (sink != null) {
                    socket.setSoTimeout(0);
                }
                out.write(request);
                out.flush();
                Response r = readResponse(method);
                io.kubeexec.pi.Trace.mark("response read");
                return r;
            } catch (SocketTimeoutException e) {
                closeQuietly();
                throw new KubeException("the request to " + config.server() + " timed out", e);
            } catch (BodyTooLarge e) {
                closeQuietly();
                throw new KubeException(e.getMessage(), e);
            } catch (IOException e) {
                closeQuietly();
                if (reused && attempt == 0 && !method.equals("PATCH")) {
                    continue;
                }
                throw new KubeException(connectionError(e), e);
            }
        }
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

    private byte[] requestBytes(String method, String path, String accept, String contentType, byte[] body) {
        URI server = config.server();
        String base = server.getRawPath() == null ? "" : server.getRawPath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(base).append(path).append(" HTTP/1.1\r\n");
        header(sb, "Host", hostHeader());
        header(sb, "User-Agent", USER_AGENT);
        if (accept != null) {
            header(sb, "Accept", accept);
        }
        if (authorization != null) {
            header(sb, "Authorization", authorization);
        }
        if (config.impersonateUser() != null && !config.impersonateUser().isEmpty()) {
            header(sb, "Impersonate-User", config.impersonateUser());
            for (String g : config.impersonateGroups()) {
                header(sb, "Impersonate-Group", g);
            }
            for (Map.Entry<String, List<String>> e : config.impersonateExtra().entrySet()) {
                for (String v : e.getValue()) {
                    header(sb, "Impersonate-Extra-" + URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8), v);
                }
            }
        }
        if (body != null) {
            header(sb, "Content-Type", contentType);
            header(sb, "Content-Length", Integer.toString(body.length));
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /**
     * One header line. A value with a line break would end the header early and let the rest pass for headers or a
     * request of its own (an impersonated group "x\r\nImpersonate-User: admin"), so, as Go's net/http does for
     * kubectl, any control character but a tab refuses the request before anything is sent. The value itself is not
     * repeated: it may be a token.
     */
    private static void header(StringBuilder request, String name, String value) {
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
        request.append(name).append(": ").append(value).append("\r\n");
    }

    private String hostHeader() {
        URI s = config.server();
        String host = s.getHost();
        return s.getPort() < 0 ? host : host + ":" + s.getPort();
    }

    private int port() {
        URI s = config.server();
        return s.getPort() >= 0 ? s.getPort() : s.getScheme().equals("https") ? 443 : 80;
    }

    private boolean https() {
        return config.server().getScheme().equals("https");
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
        io.kubeexec.pi.Trace.mark("credentials and TLS context ready");
        credentialsResolved = true;
    }

    private void connect() throws IOException {
        String host = config.server().getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = port();
        int timeout = config.requestTimeout() == null ? 0 : (int) Math.min(Integer.MAX_VALUE,
                Math.max(1, config.requestTimeout().toMillis()));
        URI proxy = Proxies.forTarget(config.proxyUrl(), https(), host, env);
        Socket raw;
        if (proxy == null) {
            raw = new Socket();
            raw.connect(new InetSocketAddress(host, port), timeout > 0 ? Math.min(timeout, CONNECT_TIMEOUT_MS)
                    : CONNECT_TIMEOUT_MS);
        } else if (proxy.getScheme().startsWith("socks5")) {
            raw = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress(proxy.getHost(),
                    proxy.getPort() < 0 ? 1080 : proxy.getPort())));
            raw.connect(InetSocketAddress.createUnresolved(host, port), CONNECT_TIMEOUT_MS);
        } else {
            raw = Proxies.httpConnect(proxy, host, port, CONNECT_TIMEOUT_MS,
                    proxy.getScheme().equals("https") ? Tls.proxyContext(config).getSocketFactory()
                            : null);
        }
        raw.setTcpNoDelay(true);
        raw.setSoTimeout(timeout);
        Socket s = raw;
        if (https()) {
            String name = config.tlsServerName() != null && !config.tlsServerName().isEmpty()
                    ? config.tlsServerName() : host;
            boolean x25519Only = !defaultGroups;
            SSLSocket ssl = x25519Only ? Tls.socket(tls, raw, name, port, "x25519") : Tls.socket(tls, raw, name, port);
            io.kubeexec.pi.Trace.mark("TCP connected");
            try {
                ssl.startHandshake();
            } catch (javax.net.ssl.SSLHandshakeException e) {
                closeQuiet(ssl);
                // Only the server refusing the key share is worth a second try; a bad certificate is not.
                if (!x25519Only || e.getMessage() == null || !e.getMessage().contains("Received fatal alert")) {
                    throw e;
                }
                defaultGroups = true; // the server does not do X25519: the JDK's full list, once
                connect();
                return;
            }
            io.kubeexec.pi.Trace.mark("TLS handshake done");
            s = ssl;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16384);
        out = s.getOutputStream();
    }

    private Response readResponse(String method) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed by the server");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        long length = -1;
        boolean chunked = false;
        boolean close = parts[0].equals("HTTP/1.0");
        boolean gzip = false;
        String contentType = null;
        String line;
        int headers = 0;
        while ((line = readLine()) != null && !line.isEmpty()) {
            if (++headers > MAX_HEADERS) {
                throw new BodyTooLarge("the response of " + config.server().getHost() + " has more than "
                        + MAX_HEADERS + " header lines; refusing it");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = contentLength(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                case "content-encoding" -> gzip = value.equalsIgnoreCase("gzip");
                case "content-type" -> contentType = value.toLowerCase(Locale.ROOT);
                default -> {
                }
            }
        }
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            body = new byte[0];
        } else if (chunked) {
            body = readChunked(status >= 200 && status < 300 ? sink : null);
        } else if (length >= 0) {
            if (length > maxBodyBytes) {
                throw tooLarge(" (it declares " + length + " bytes)");
            }
            body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new IOException("connection closed in the middle of the response");
            }
        } else {
            body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge("");
            }
            close = true;
        }
        if (gzip) {
            try (GZIPInputStream unzipped = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                body = unzipped.readNBytes(maxBodyBytes + 1);
            }
            if (body.length > maxBodyBytes) {
                throw tooLarge(" once unzipped");
            }
        }
        if (close) {
            closeQuietly();
        }
        return new Response(status, body, contentType);
    }

    private static long contentLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("not an HTTP response: Content-Length " + value);
    }

    private BodyTooLarge tooLarge(String detail) {
        return new BodyTooLarge("the response of " + config.server().getHost() + " is larger than "
                + (maxBodyBytes >= 1 << 20 ? (maxBodyBytes >> 20) + " MiB" : maxBodyBytes + " bytes")
                + ", the most kubectl pi reads" + detail + "; refusing it");
    }

    private byte[] readChunked(java.util.function.Consumer<byte[]> sink) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new IOException("connection closed in the middle of the response");
            }
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP chunk size: " + sizeLine);
            }
            if (size < 0 || body.size() + size > maxBodyBytes || (sink != null && size > maxBodyBytes)) {
                throw tooLarge("");
            }
            if (size == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new IOException("connection closed in the middle of the response");
            }
            if (sink != null) {
                sink.accept(chunk);
            } else {
                body.write(chunk);
            }
            readLine(); // CRLF after the chunk
        }
    }

    /** A status, header or chunk-size line; one that never ends is refused like an oversized body. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE_BYTES) {
                throw new BodyTooLarge("the response of " + config.server().getHost() + " has a line longer than "
                        + MAX_LINE_BYTES / 1024 + " KiB; refusing it");
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static void closeQuiet(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private void closeQuietly() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
        socket = null;
        in = null;
        out = null;
    }

    @Override
    public void close() {
        closeQuietly();
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

        /**
         * An HTTP CONNECT tunnel through an http(s) proxy (basic auth from the proxy URL's user info). An https proxy
         * is verified as the API server is, chain and host name ({@code proxyTls}, from {@link Tls#proxyContext}):
         * the proxy sees the credentials of the CONNECT and could otherwise be anyone on the path.
         */
        static Socket httpConnect(URI proxy, String host, int port, int timeoutMs, SSLSocketFactory proxyTls)
                throws IOException {
            int proxyPort = proxy.getPort() >= 0 ? proxy.getPort() : proxy.getScheme().equals("https") ? 443 : 80;
            Socket s = new Socket();
            s.connect(new InetSocketAddress(proxy.getHost(), proxyPort), timeoutMs);
            if (proxy.getScheme().equals("https")) {
                SSLSocket tls = Tls.socket(proxyTls, s, proxy.getHost(), proxyPort);
                try {
                    tls.startHandshake();
                } catch (javax.net.ssl.SSLException e) {
                    closeQuiet(tls);
                    Throwable cause = e.getCause() instanceof java.security.cert.CertificateException c ? c : e;
                    throw new IOException("proxyconnect tcp: tls: " + cause.getMessage(), e);
                }
                s = tls;
            }
            String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            StringBuilder req = new StringBuilder("CONNECT ").append(target).append(" HTTP/1.1\r\nHost: ")
                    .append(target).append("\r\n");
            if (proxy.getRawUserInfo() != null) {
                req.append("Proxy-Authorization: Basic ").append(Base64.getEncoder().encodeToString(
                        java.net.URLDecoder.decode(proxy.getRawUserInfo(), StandardCharsets.UTF_8)
                                .getBytes(StandardCharsets.UTF_8))).append("\r\n");
            }
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    String l = line.toString().strip();
                    if (l.isEmpty()) {
                        break;
                    }
                    lines.add(l);
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            if (lines.isEmpty() || !lines.get(0).matches("HTTP/1\\.[01] 2\\d\\d.*")) {
                s.close();
                throw new IOException("proxyconnect tcp: " + (lines.isEmpty() ? "no answer from proxy" : lines.get(0)));
            }
            return s;
        }
    }
}
