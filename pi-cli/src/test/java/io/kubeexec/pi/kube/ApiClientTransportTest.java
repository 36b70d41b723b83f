package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin's HTTP transport against servers on loopback that misbehave: header values that would split the
 * request are refused before anything is sent, bodies and gzip streams are read up to a bound, an https:// proxy is
 * refused by name and an http proxy gets the credentials of its URL.
 */
class ApiClientTransportTest {

    private static final int LIMIT = 1024;
    private static final String OK_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

    private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @ParameterizedTest(name = "impersonating {0}")
    @ValueSource(strings = {"alice\r\nImpersonate-Group: system:masters", "alice\nX: y", "alice\r", "al\u0000ice"})
    void anImpersonationValueWithALineBreakIsRefusedAndNothingIsSent(String user) throws Exception {
        OneShotServer server = serve(OK_HEAD + "Content-Length: 2\r\n\r\n{}");
        ApiClient client = new ApiClient(config(server.uri(), null, null, null, user, null), k -> null, false, LIMIT);

        assertThatThrownBy(() -> client.getJson("/api/v1/namespaces/default/pods/x", "application/json"))
                .isInstanceOf(KubeException.class)
                .hasMessageStartingWith("invalid header field value for \"Impersonate-User\": it contains")
                .hasMessageNotContaining("system:masters");
        assertThat(server.requests).as("nothing reached the server").isEmpty();
    }

    @Test
    void aTokenWithALineBreakFromAnExecPluginIsRefusedWithoutShowingIt() throws Exception {
        OneShotServer server = serve(OK_HEAD + "Content-Length: 2\r\n\r\n{}");
        String credential = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                + "\"status\":{\"token\":\"s3cret\\r\\nImpersonate-User: admin\"}}";
        ClientConfig.ExecConfig plugin = new ClientConfig.ExecConfig("sh", List.of("-c", "printf '%s' \"$CREDENTIAL\""),
                Map.of("CREDENTIAL", credential), "client.authentication.k8s.io/v1", null, false, "Never", null);
        ApiClient client = new ApiClient(config(server.uri(), null, null, null, null, plugin), k -> null, false, LIMIT);

        assertThatThrownBy(() -> client.getJson("/api/v1/namespaces/default/pods/x", "application/json"))
                .isInstanceOf(KubeException.class)
                .hasMessageStartingWith("invalid header field value for \"Authorization\": it contains a line break")
                .hasMessageNotContaining("s3cret");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void aKubeconfigTokenWithALineBreakIsRefusedToo() throws Exception {
        OneShotServer server = serve(OK_HEAD + "Content-Length: 2\r\n\r\n{}");
        ApiClient client = new ApiClient(config(server.uri(), null, null, "abc\ndef", null, null), k -> null, false,
                LIMIT);

        assertThatThrownBy(() -> client.getJson("/api/v1/pods", "application/json"))
                .hasMessageStartingWith("invalid header field value for \"Authorization\"");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void aBodyWithinTheBoundIsRead() throws Exception {
        OneShotServer server = serve(OK_HEAD + "Content-Length: 14\r\n\r\n{\"kind\":\"Pod\"}");
        ApiClient client = new ApiClient(config(server.uri(), null, null, null, "alice", null), k -> null, false, LIMIT);

        assertThat(client.getJson("/api/v1/namespaces/default/pods/x", "application/json")).containsEntry("kind", "Pod");
        assertThat(server.requests.get(0)).contains("\r\nImpersonate-User: alice\r\n");
    }

    @Test
    void aDeclaredLengthOverTheBoundIsRefusedBeforeReading() throws Exception {
        OneShotServer server = serve(OK_HEAD + "Content-Length: 99999999999\r\n\r\n{}");

        assertThatThrownBy(() -> get(server)).isInstanceOf(KubeException.class)
                .hasMessage("the response of 127.0.0.1 is larger than 1024 bytes, the most kubectl pi reads "
                        + "(it declares 99999999999 bytes); refusing it");
    }

    @Test
    void aChunkedBodyOverTheBoundIsRefused() throws Exception {
        String chunk = "x".repeat(600);
        OneShotServer server = serve(OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n"
                + "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");

        assertThatThrownBy(() -> get(server)).isInstanceOf(KubeException.class)
                .hasMessage("the response of 127.0.0.1 is larger than 1024 bytes, the most kubectl pi reads; refusing it");
    }

    @Test
    void aBodyReadUntilCloseOverTheBoundIsRefused() throws Exception {
        OneShotServer server = serve(OK_HEAD + "Connection: close\r\n\r\n" + "x".repeat(5000));

        assertThatThrownBy(() -> get(server)).isInstanceOf(KubeException.class)
                .hasMessageContaining("is larger than 1024 bytes");
    }

    @Test
    void aGzipBombIsRefusedOnceItUnzipsPastTheBound() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(new byte[10 * 1024 * 1024]);
        }
        assertThat(zipped.size()).as("small on the wire").isLessThan(LIMIT * 16);
        OneShotServer server = serve((OK_HEAD + "Content-Encoding: gzip\r\nContent-Length: " + zipped.size()
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), zipped.toByteArray());
        ApiClient client = new ApiClient(config(server.uri(), null, null, null, null, null), k -> null, false,
                LIMIT * 16);

        assertThatThrownBy(() -> client.getJson("/api/v1/pods", "application/json")).isInstanceOf(KubeException.class)
                .hasMessageContaining("is larger than 16384 bytes, the most kubectl pi reads once unzipped");
    }

    @Test
    void anEndlessHeaderIsRefusedByTheJdksBound() throws Exception {
        OneShotServer server = serve("HTTP/1.1 200 OK\r\nX-Junk: " + "y".repeat(1024 * 1024));

        assertThatThrownBy(() -> get(server)).isInstanceOf(KubeException.class)
                .hasMessageContaining("Unable to connect to the server");
    }

    @Test
    void anHttpsProxyUrlIsRefusedByNameBeforeAnythingIsSent() throws Exception {
        OneShotServer proxy = serve(OK_HEAD + "Content-Length: 2\r\n\r\n{}");
        URI https = URI.create("https://127.0.0.1:" + proxy.socket.getLocalPort());
        ApiClient client = new ApiClient(config(URI.create("https://api.example.com:6443"), https, null, "token", null,
                null), k -> null, false);

        assertThatThrownBy(() -> client.getJson("/api/v1/pods", "application/json")).isInstanceOf(KubeException.class)
                .hasMessage("proxy " + https + ": https:// proxies are not supported by kubectl pi; use an http:// or "
                        + "socks5:// proxy");
        assertThat(proxy.requests).isEmpty();
    }

    @Test
    void anHttpProxyIsAskedToConnectWithTheCredentialsOfItsUrl() throws Exception {
        OneShotServer proxy = serve("HTTP/1.1 407 Proxy Authentication Required\r\n"
                + "Proxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n");
        URI http = URI.create("http://bob:s%40cret@127.0.0.1:" + proxy.socket.getLocalPort());
        ApiClient client = new ApiClient(config(URI.create("https://api.example.com:6443"), http, null, "token", null,
                null), k -> null, false);

        assertThatThrownBy(() -> client.getJson("/api/v1/pods", "application/json")).isInstanceOf(KubeException.class);
        assertThat(proxy.requests).first().asString().startsWith("CONNECT api.example.com:6443 HTTP/1.1\r\n");
        assertThat(proxy.requests).as("asked again with the URL's user info").hasSizeGreaterThan(1).last().asString()
                .containsIgnoringCase("\r\nProxy-Authorization: Basic " + java.util.Base64.getEncoder().encodeToString(
                        "bob:s@cret".getBytes(StandardCharsets.UTF_8)) + "\r\n");
    }

    private Map<String, Object> get(OneShotServer server) {
        return new ApiClient(config(server.uri(), null, null, null, null, null), k -> null, false, LIMIT)
                .getJson("/api/v1/pods", "application/json");
    }

    private static ClientConfig config(URI server, URI proxy, Path ca, String token, String impersonate,
            ClientConfig.ExecConfig exec) {
        return new ClientConfig(server, "default", false, null, ca, false, null, proxy, null, null, null, null, token,
                null, null, null, exec, impersonate, List.of(), Map.of(), Duration.ofSeconds(10));
    }

    private OneShotServer serve(String response) throws IOException {
        return serve(response.getBytes(StandardCharsets.ISO_8859_1));
    }

    private OneShotServer serve(byte[]... response) throws IOException {
        OneShotServer server = new OneShotServer(new ServerSocket(0, 5, InetAddress.getLoopbackAddress()), response);
        servers.add(server);
        return server;
    }

    /** Answers each connection's request head with the same bytes, then closes it; records the heads. */
    private static class OneShotServer implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        final ServerSocket socket;
        private final Thread thread;

        OneShotServer(ServerSocket socket, byte[]... response) {
            this.socket = socket;
            this.thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        connection.setSoTimeout(5000);
                        String head = readHead(connection.getInputStream());
                        if (head.isEmpty()) {
                            continue;
                        }
                        requests.add(head);
                        for (byte[] part : response) {
                            connection.getOutputStream().write(part);
                        }
                        connection.getOutputStream().flush();
                    } catch (IOException e) {
                        // closed, or a client that gave up: the test reads what the client saw
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5000);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
