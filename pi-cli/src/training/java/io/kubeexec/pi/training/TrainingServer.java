package io.kubeexec.pi.training;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The API server of the training run ({@link Training}): a few canned pod answers over TLS on 127.0.0.1, with the
 * throw-away training certificates. It prints its port, and serves until its standard input closes.
 */
final class TrainingServer {

    private static final String POD_WEB_0 = "{\"metadata\":{\"name\":\"web-0\",\"namespace\":\"default\","
            + "\"labels\":{\"box.com/podInitialInteractionTimestamp\":\"1634408037\","
            + "\"box.com/podInteractorUsername\":\"alice\",\"box.com/podTTLDuration\":\"10m0s\"},"
            + "\"annotations\":{\"box.com/podTerminationTime\":\"2021-10-16 18:23:57 +0000 UTC\","
            + "\"box.com/podInteractions\":\"[{\\\"user\\\":\\\"alice\\\",\\\"groups\\\":[\\\"dev\\\"],"
            + "\\\"kind\\\":\\\"exec\\\",\\\"container\\\":\\\"c\\\",\\\"command\\\":[\\\"sh\\\"],"
            + "\\\"time\\\":\\\"2021-10-16 18:13:57 +0000 UTC\\\"}]\"}}}";
    private static final String POD_WEB_1 = "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\","
            + "\"labels\":{\"box.com/podInitialInteractionTimestamp\":\"1634408037\","
            + "\"box.com/podInteractorUsername\":\"bob\",\"box.com/podTTLDuration\":\"10m0s\"},"
            + "\"annotations\":{\"box.com/podExtendedDuration\":\"30m0s\","
            + "\"box.com/podExtensionRequester\":\"carol\","
            + "\"box.com/podTerminationTime\":\"2021-10-16 18:53:57 +0000 UTC\"}}}";
    private static final String POD_DB = "{\"metadata\":{\"name\":\"db\",\"namespace\":\"default\"}}";
    private static final String LIST = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\","
            + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[" + POD_DB + "," + POD_WEB_0 + "," + POD_WEB_1 + "]}";
    private static final String NOT_FOUND = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"message\":\"pods \\\"missing\\\" not found\",\"reason\":\"NotFound\",\"code\":404}";

    private TrainingServer() {
    }

    public static void main(String[] args) throws Exception {
        SSLServerSocket server = server();
        Thread serving = new Thread(() -> serve(server), "training-server");
        serving.setDaemon(true);
        serving.start();
        System.out.println(server.getLocalPort());
        System.out.flush();
        System.in.read(); // the training run closes it, or destroys this process
        System.exit(0);
    }

    private static SSLServerSocket server() throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Certificate serverCert = cf.generateCertificate(new ByteArrayInputStream(resource("server.pem")));
        Certificate ca = cf.generateCertificate(new ByteArrayInputStream(resource("ca.pem")));
        String pem = new String(resource("server-key.pem"), StandardCharsets.US_ASCII);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, new char[0], new Certificate[] {serverCert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), new TrustManager[] {new AnyClient()}, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getLoopbackAddress());
        server.setWantClientAuth(true); // tokens too; any client certificate is accepted (training only)
        return server;
    }

    /** The training server's view of clients: any certificate will do, it only has to be presented. */
    private static final class AnyClient implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static void serve(SSLServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String requestLine = line(in);
                    if (requestLine == null || requestLine.isEmpty()) {
                        break;
                    }
                    int length = 0;
                    String header;
                    while ((header = line(in)) != null && !header.isEmpty()) {
                        if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(header.substring(15).trim());
                        }
                    }
                    in.readNBytes(length);
                    respond(out, requestLine.split(" ")[0], requestLine.split(" ")[1]);
                }
            } catch (IOException | RuntimeException e) {
                // the client went away; accept the next one
            }
        }
    }

    private static void respond(OutputStream out, String method, String path) throws IOException {
        int status = 200;
        String body;
        boolean chunked = false;
        if (path.contains("/pods?") || path.endsWith("/pods")) {
            body = LIST;
            chunked = true;
        } else if (path.endsWith("/web-0")) {
            body = POD_WEB_0;
        } else if (path.endsWith("/web-1")) {
            body = POD_WEB_1;
        } else if (path.endsWith("/db")) {
            body = POD_DB;
        } else {
            status = 404;
            body = NOT_FOUND;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(status == 200 ? " OK" : " Not Found")
                .append("\r\nContent-Type: application/json\r\n");
        if (chunked) {
            head.append("Transfer-Encoding: chunked\r\n\r\n").append(Integer.toHexString(bytes.length)).append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
        }
        out.flush();
        if (method.isEmpty()) {
            throw new IOException("no method");
        }
    }

    /** A throw-away certificate or key of this jar; the server runs on this jar alone, without the plugin's. */
    static byte[] resource(String name) throws IOException {
        try (InputStream in = TrainingServer.class.getResourceAsStream("/training/" + name)) {
            if (in == null) {
                throw new IOException("missing training resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return c == -1 && sb.length() == 0 ? null : sb.toString();
    }

}
