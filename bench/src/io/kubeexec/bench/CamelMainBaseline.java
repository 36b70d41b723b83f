package io.kubeexec.bench;

import io.kubeexec.controller.tls.PemKeyStore;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;

import java.nio.file.Path;

/**
 * The start-up benchmark's baseline: the smallest Camel Main application with one Undertow HTTPS route, on the
 * controller's class path and JVM flags, with the same certificate. Whatever the controller needs beyond this to be
 * ready (its YAML routes, queues, the eviction scan, the Kubernetes client and its first answer) is the controller's
 * own start-up cost; what this costs is Camel Main's, Undertow's and TLS's.
 * <p>
 * It is ready when {@code https://127.0.0.1:PORT/} answers.
 *
 *   java -cp kube-exec-controller.jar:lib/*:bench-classes io.kubeexec.bench.CamelMainBaseline PORT CERT KEY
 */
public final class CamelMainBaseline {

    private CamelMainBaseline() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        KeyStoreParameters store = new KeyStoreParameters();
        store.setKeyStore(PemKeyStore.load(Path.of(args[1]), Path.of(args[2])));
        KeyManagersParameters keys = new KeyManagersParameters();
        keys.setKeyStore(store);
        keys.setKeyPassword(new String(PemKeyStore.PASSWORD));
        SSLContextParameters tls = new SSLContextParameters();
        tls.setKeyManagers(keys);

        Main main = new Main();
        // The controller's jar is on the class path for its classes; its application.properties (and with it its
        // YAML routes) must not be read by this application.
        main.setDefaultPropertyPlaceholderLocation("false");
        main.bind("tls", tls);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("undertow:https://127.0.0.1:" + port + "/?sslContextParameters=#tls")
                        .setBody(constant("{\"status\":\"UP\"}"));
            }
        });
        main.run();
    }
}
