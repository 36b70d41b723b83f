package io.kubeexec.pi;

import io.kubeexec.pi.kube.Trace;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Work every run needs, started on two more threads while the main thread builds and parses the command line: one
 * parses the kubeconfig files, the other does the one-time initialisation of the JDK's security providers and TLS
 * stack (provider lists, cipher suites, the PKIX and PKCS#12 factories, the seed of the random generator). Nothing
 * here is thrown away except one unconnected socket; no key is generated and nothing is contacted. Tracing shows
 * these steps cost the main thread some 60 ms otherwise. The TLS initialisation takes longest, so it has its own
 * thread from the first millisecond rather than waiting for the kubeconfig (measured: it used to end after the main
 * thread had already caught up with it). (Warming up the handshake's cryptography with throw-away keys was also
 * measured, and did not pay on a busy two-core machine.)
 */
final class Warmup {

    private Warmup() {
    }

    static void start() {
        if (System.getenv("KUBECTL_PI_NO_PREFETCH") != null) {
            return;
        }
        daemon(Warmup::prefetchKubeconfig, "kubectl-pi-prefetch");
        if (System.getenv("KUBECTL_PI_NO_TLS_INIT") == null) {
            daemon(Warmup::initTls, "kubectl-pi-tls");
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    private static void prefetchKubeconfig() {
        io.kubeexec.pi.kube.KubeConfigLoader.system().prefetch();
        Trace.mark("kubeconfig prefetched");
    }

    private static void initTls() {
        try {
            CertificateFactory.getInstance("X.509");
            KeyStore.getInstance("PKCS12").load(null, null);
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyFactory.getInstance("RSA");
            SSLContext context = SSLContext.getInstance("TLS");
            // No trust manager at all: the JDK's dummy one, where a null array would read its cacerts.
            context.init(null, new TrustManager[0], null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.getSSLParameters();
            }
            Trace.mark("TLS stack initialised");
        } catch (Exception | LinkageError ignored) {
            // Only a head start: the main thread does the same and reports any problem.
        }
    }
}
