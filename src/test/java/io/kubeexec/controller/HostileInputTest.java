package io.kubeexec.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.support.TestController;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and malformed AdmissionReviews, over real HTTPS to the running application with its real YAML routes, on
 * both webhook paths. Whatever arrives: no 5xx, a JSON body, an answer within a second, and the webhook still
 * answers a valid review afterwards. The corpus is {@code src/test/resources/hostile/}: each file's name starts with
 * the status it must get ({@code 400-truncated-...}, {@code 200-uid-is-a-number...}); bodies too large or too deep
 * to keep as files are built here. Stalled and dribbling clients (slow loris) must not hold up anyone else and are
 * cut off after {@code -request-timeout}.
 */
@CamelMainTest(configurationClasses = ControllerConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PATHS = List.of("/admit-pod-interaction", "/admit-pod-update");
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);
    /** Short for the test (10s by default), yet long enough to upload 10 MB on a busy machine. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private TestController controller;
    private boolean warmedUp;

    @BeforeAll
    void start() {
        controller = new TestController(Map.of("request-timeout", REQUEST_TIMEOUT.toSeconds() + "s"));
    }

    /** Once the app runs (it starts after {@code @BeforeAll}): the one-second bound measures handling, not JIT. */
    @BeforeEach
    void warmUp() {
        if (warmedUp) {
            return;
        }
        byte[] large = TestController.fixture("exec.json").replace("alice@example.com", "a".repeat(1 << 20))
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 30; i++) {
            for (String path : PATHS) {
                controller.post(path, TestController.fixture("exec.json"));
                controller.post(path, "{");
                if (i % 10 == 0) {
                    rawPost(path, large, i % 20 == 0);
                }
            }
        }
        warmedUp = true;
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    static Stream<Arguments> corpus() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (Path file : corpusFiles()) {
            for (String path : PATHS) {
                cases.add(Arguments.of(file.getFileName().toString(), path));
            }
        }
        return cases.stream();
    }

    private static List<Path> corpusFiles() throws IOException {
        try (Stream<Path> files = Files.list(TestController.resource("hostile"))) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{3}-.+")).sorted().toList();
        }
    }

    @Test
    void theCorpusHoldsAtLeastThirtyHostileBodies() throws IOException {
        assertThat(corpusFiles()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("corpus")
    void eachHostileBodyGetsItsStatusAndAJsonBodyWithinASecond(String file, String path) throws IOException {
        byte[] body = Files.readAllBytes(TestController.resource("hostile/" + file));
        int expected = Integer.parseInt(file.substring(0, 3));

        Timed answer = timedPost(path, body);

        assertAnsweredAs(answer, expected);
        assertStillAnswersAValidReview(path);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/admit-pod-interaction", "/admit-pod-update"})
    void tenMebibytesWithAContentLengthGet413(String path) {
        byte[] body = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) '[');

        Timed answer = rawPost(path, body, false);

        assertAnsweredAs(answer, 413);
        assertStillAnswersAValidReview(path);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/admit-pod-interaction", "/admit-pod-update"})
    void tenMebibytesChunkedWithoutALengthGet413(String path) {
        byte[] body = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"" + "x".repeat(10 * 1024 * 1024)
                + "\"}}").getBytes(StandardCharsets.UTF_8);

        Timed answer = rawPost(path, body, true);

        assertAnsweredAs(answer, 413);
        assertStillAnswersAValidReview(path);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/admit-pod-interaction", "/admit-pod-update"})
    void aHundredThousandOpeningBracketsGet400(String path) {
        Timed answer = rawPost(path, "[".repeat(100_000).getBytes(StandardCharsets.US_ASCII), false);

        assertAnsweredAs(answer, 400);
        assertStillAnswersAValidReview(path);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/admit-pod-interaction", "/admit-pod-update"})
    void aHundredThousandNestedObjectsInsideAReviewGet400(String path) {
        String review = TestController.fixture("exec.json").replace("\"options\": null",
                "\"options\": " + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000));

        Timed answer = rawPost(path, review.getBytes(StandardCharsets.UTF_8), false);

        assertAnsweredAs(answer, 400);
        assertStillAnswersAValidReview(path);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/admit-pod-interaction", "/admit-pod-update"})
    void aTwoMebibyteUsernameIsAnsweredWithinASecond(String path) {
        String review = TestController.fixture("exec.json").replace("alice@example.com", "a".repeat(2 << 20));

        Timed answer = rawPost(path, review.getBytes(StandardCharsets.UTF_8), false);

        assertAnsweredAs(answer, 200);
        assertStillAnswersAValidReview(path);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/admit-pod-interaction", "/admit-pod-update"})
    void aHundredThousandGroupsAreAnsweredWithinASecond(String path) {
        String review = TestController.fixture("exec.json").replace("\"developers\", ",
                "\"g\",".repeat(100_000));

        Timed answer = rawPost(path, review.getBytes(StandardCharsets.UTF_8), false);

        assertAnsweredAs(answer, 200);
        assertStillAnswersAValidReview(path);
    }

    @Test
    void stalledBodiesHoldUpNoOtherReviewAndAreCutOffAfterTheRequestTimeout() throws Exception {
        // More stalled requests than Undertow has worker threads (8 per core): none may hold a worker.
        List<SSLSocket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                SSLSocket socket = rawTls();
                String partial = "{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"stalled-" + i;
                write(socket, "POST " + PATHS.get(i % 2) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n" + partial);
                stalled.add(socket);
            }
            long opened = System.nanoTime();

            for (int i = 0; i < 10; i++) {
                for (String path : PATHS) {
                    assertAnsweredAs(timedPost(path, TestController.fixture("exec.json")
                            .getBytes(StandardCharsets.UTF_8)), 200);
                }
            }

            for (SSLSocket socket : stalled) {
                assertClosedByTheServer(socket, opened);
            }
        } finally {
            for (SSLSocket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void aBodyDribbledOneByteAtATimeIsCutOffAfterTheRequestTimeout() throws Exception {
        try (SSLSocket socket = rawTls()) {
            long started = System.nanoTime();
            write(socket, "POST /admit-pod-interaction HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n");
            boolean cutOff = false;
            // A byte every 100 ms keeps the connection busy: only a deadline on the whole body ends it.
            while (Duration.ofNanos(System.nanoTime() - started).compareTo(REQUEST_TIMEOUT.multipliedBy(3)) < 0) {
                try {
                    write(socket, "[");
                } catch (IOException e) {
                    cutOff = true;
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(cutOff).as("the server still read the dribbled body after %s", REQUEST_TIMEOUT.multipliedBy(3))
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(REQUEST_TIMEOUT);
        }
    }

    @Test
    void aRequestWhoseHeadersStopHalfwayIsCutOffAfterTheRequestTimeout() throws Exception {
        try (SSLSocket socket = rawTls()) {
            long started = System.nanoTime();
            write(socket, "POST /admit-pod-interaction HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le");
            assertClosedByTheServer(socket, started);
        }
    }

    /** The server must close the connection (EOF, maybe after an error response) within the request timeout. */
    private void assertClosedByTheServer(SSLSocket socket, long since) throws IOException {
        Duration bound = REQUEST_TIMEOUT.plusSeconds(8);
        Duration left = bound.minus(Duration.ofNanos(System.nanoTime() - since));
        socket.setSoTimeout((int) Math.max(1, left.toMillis()));
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // an error response may come first; the connection must end after it
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a stalled connection open for more than " + bound, e);
        } catch (IOException e) {
            // reset or TLS close: closed as well
        }
    }

    private SSLSocket rawTls() throws IOException {
        SSLSocket socket = (SSLSocket) TestController.trustingTestCertificate().getSocketFactory()
                .createSocket("127.0.0.1", controller.port());
        socket.startHandshake();
        return socket;
    }

    private static void write(SSLSocket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void assertStillAnswersAValidReview(String path) {
        Timed answer = timedPost(path, TestController.fixture("exec.json").getBytes(StandardCharsets.UTF_8));
        assertAnsweredAs(answer, 200);
        assertThat(answer.body).contains("\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800001\"");
    }

    private static void assertAnsweredAs(Timed answer, int expected) {
        assertThat(answer.status).as("status; body %s", abbreviated(answer.body)).isEqualTo(expected);
        assertThat(answer.elapsed).as("answered within %s", ANSWER_WITHIN).isLessThan(ANSWER_WITHIN);
        assertThat(answer.contentType).isEqualTo("application/json");
        JsonNode body;
        try {
            body = JSON.readTree(answer.body);
        } catch (IOException e) {
            throw new AssertionError("not a JSON body: " + abbreviated(answer.body), e);
        }
        assertThat(body.isObject()).as("a JSON object: %s", abbreviated(answer.body)).isTrue();
        if (expected == 200) {
            assertThat(body.path("kind").asText()).isEqualTo("AdmissionReview");
            assertThat(body.path("apiVersion").asText()).startsWith("admission.k8s.io/v1");
            assertThat(body.path("response").path("uid").isTextual()).isTrue();
            assertThat(body.path("response").path("uid").asText()).isNotEmpty();
            assertThat(body.path("response").path("allowed").isBoolean()).isTrue();
        } else {
            assertThat(body.path("code").asInt()).isEqualTo(expected);
            assertThat(body.path("error").asText()).isNotBlank();
        }
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** An answer and how long it took from the last byte of the request. */
    private record Timed(int status, String contentType, String body, Duration elapsed) {
    }

    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /**
     * POSTs over a raw TLS socket, declaring the length or chunked, and times the answer from the request's last
     * byte: for a body of megabytes, the time the client takes to send it is not the server's to answer for.
     */
    private Timed rawPost(String path, byte[] body, boolean chunked) {
        try (SSLSocket socket = rawTls()) {
            socket.setSoTimeout(20_000);
            OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (chunked) {
                for (int at = 0; at < body.length; at += 65536) {
                    int size = Math.min(65536, body.length - at);
                    out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, size);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(body);
            }
            out.flush();
            long sent = System.nanoTime();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            String status = line(in);
            Map<String, String> headers = new java.util.HashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
            String length = headers.get("content-length");
            byte[] answer = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - sent);
            return new Timed(Integer.parseInt(status.split(" ")[1]), headers.get("content-type"),
                    new String(answer, StandardCharsets.UTF_8), elapsed);
        } catch (IOException e) {
            throw new AssertionError("no HTTP answer: " + e, e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("connection closed after \"" + line + "\"");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private Timed timedPost(String path, byte[] body) {
        return timed(() -> controller.client().send(HttpRequest.newBuilder(controller.uri(path))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private static Timed timed(Call call) {
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = call.send();
            return new Timed(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    response.body(), Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new AssertionError("no HTTP answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
