package io.kubeexec.bench;

import io.kubeexec.controller.tls.PemKeyStore;
import io.undertow.Undertow;
import io.undertow.util.Headers;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;

/**
 * The admission benchmark's baseline: a bare HTTPS server on the same Undertow (same defaults: IO threads = cores,
 * TLS 1.3) and the same certificate as the controller. It reads the whole body and answers a fixed AdmissionReview,
 * so it costs what TLS + HTTP + reading the body cost on this machine, and nothing else.
 *
 *   java -cp kube-exec-controller.jar:lib/*:bench-classes io.kubeexec.bench.BaselineServer PORT CERT KEY
 */
public final class BaselineServer {

    private static final ByteBuffer ANSWER = ByteBuffer.wrap(("{\"apiVersion\":\"admission.k8s.io/v1\","
            + "\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800001\","
            + "\"allowed\":true}}").getBytes(StandardCharsets.UTF_8));

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        KeyStore keys = PemKeyStore.load(Path.of(args[1]), Path.of(args[2]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PemKeyStore.PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        Undertow server = Undertow.builder()
                .addHttpsListener(port, "127.0.0.1", tls)
                .setHandler(exchange -> exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
                    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    ex.getResponseSender().send(ANSWER.duplicate());
                }))
                .build();
        server.start();
        System.out.println("baseline listening on https://127.0.0.1:" + port);
    }
}
