package io.kubeexec.pi;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;

/**
 * Starts, on a second core, the work a cold JVM must do before its first TLS handshake: loading and initialising
 * JSSE and the key-exchange, hash and RSA code, and getting their hot loops compiled. It runs while the main thread
 * parses the command line and the kubeconfig, so the handshake later finds warm code. Nothing computed here is
 * used for the connection itself: the handshake generates its own keys.
 */
final class Warmup {

    private Warmup() {
    }

    static void start() {
        if (System.getenv("KUBECTL_PI_NO_WARMUP") != null) {
            return;
        }
        Thread t = new Thread(Warmup::run, "kubectl-pi-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        io.kubeexec.pi.kube.KubeConfigLoader.system().prefetch();
        Trace.mark("kubeconfig prefetched");
        try {
            SSLContext.getInstance("TLS");
            KeyPairGenerator x25519 = KeyPairGenerator.getInstance("X25519");
            KeyPair a = x25519.generateKeyPair();
            KeyPair b = x25519.generateKeyPair();
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(a.getPrivate());
            ka.doPhase(b.getPublic(), true);
            ka.generateSecret();
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            for (int i = 0; i < 20; i++) {
                hmac.update(new byte[64]);
                hmac.doFinal();
            }
            MessageDigest.getInstance("SHA-256").digest(new byte[1024]);
            // The shape of an RSA-2048 CRT private-key operation (client certificates are mostly RSA).
            BigInteger p = BigInteger.ONE.shiftLeft(1024).subtract(BigInteger.valueOf(105));
            BigInteger e = BigInteger.ONE.shiftLeft(1023).add(BigInteger.valueOf(12345));
            BigInteger.valueOf(65537).modPow(e, p);
            Trace.mark("warm-up done");
        } catch (Exception | Error ignored) {
            // Only a warm-up: the real handshake reports real problems.
        }
    }
}
