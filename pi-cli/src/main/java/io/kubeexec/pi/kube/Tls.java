package io.kubeexec.pi.kube;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import sun.security.util.HostnameChecker;

/**
 * The TLS side of a kubeconfig: trust only the cluster's CA when one is given (the JDK's cacerts otherwise), present
 * the client certificate when there is one, and let the JDK check the host name ({@link #socket}).
 */
final class Tls {

    /**
     * {@code SSLParameters.setNamedGroups} (Java 20+). The JDK's client sends two key shares (X25519 and P-256) and
     * a cold JVM pays dearly for each; every Go API server accepts X25519, so the API server is offered that share
     * alone first, and one that refuses it gets a second handshake with the JDK's defaults.
     */
    static final Method SET_NAMED_GROUPS = namedGroupsSetter();

    private Tls() {
    }

    private static Method namedGroupsSetter() {
        try {
            return SSLParameters.class.getMethod("setNamedGroups", String[].class);
        } catch (NoSuchMethodException e) {
            return null; // Java 17-19
        }
    }

    static SSLContext context(ClientConfig config, byte[] clientCertPem, byte[] clientKeyPem) {
        try {
            X509ExtendedTrustManager pkix = null;
            byte[] ca = null;
            if (!config.insecureSkipTlsVerify()) {
                ca = caBytes(config);
                KeyStore anchors = null;
                if (ca != null) {
                    anchors = KeyStore.getInstance("PKCS12");
                    anchors.load(null, null);
                    for (X509Certificate cert : Pem.certificates(ca, "certificate-authority")) {
                        anchors.setCertificateEntry("ca-" + anchors.size(), cert);
                    }
                }
                // The JDK's PKIX trust manager over the cluster's CA, or over its own cacerts when there is none.
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(anchors);
                pkix = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
            }
            KeyManager[] keys = clientCertPem == null || clientKeyPem == null ? null : new KeyManager[] {
                new SingleKey(Pem.certificates(clientCertPem, "client-certificate").toArray(new X509Certificate[0]),
                        Pem.privateKey(clientKeyPem, "client-key"))};
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {new JdkIdentity(pkix, pkix != null && ca == null)}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new KubeException("TLS setup failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new KubeException(e.getMessage(), e);
        }
    }

    /**
     * A TLS client socket over {@code raw} for {@code name}: SNI and the JDK's HTTPS endpoint identification (DNS and
     * IP subject alternative names, a {@code *} for one leftmost label) both use that name.
     */
    static SSLSocket socket(SSLSocketFactory factory, Socket raw, String name, int port, String... namedGroups)
            throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(raw, name, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setApplicationProtocols(new String[] {"http/1.1"});
        if (namedGroups.length > 0 && SET_NAMED_GROUPS != null) {
            try {
                SET_NAMED_GROUPS.invoke(params, (Object) namedGroups);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // the JDK's default groups
            }
        }
        ssl.setSSLParameters(params);
        return ssl;
    }

    static byte[] caBytes(ClientConfig config) {
        return read(config.certificateAuthorityData(), config.certificateAuthorityFile(), "certificate-authority");
    }

    /** The kubeconfig's {@code *-data} when given, else the file's bytes, else null. */
    static byte[] read(byte[] data, Path file, String what) {
        try {
            return data != null || file == null ? data : Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KubeException("unable to read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The kubeconfig user's one client certificate, whatever CAs the server names, as client-go sends it. The JDK's
     * key managers send none when the server's list lacks its issuer (the server then answers as to an anonymous
     * user), and want a key store: a PKCS#12 one encrypts the key in it, 40 to 90 ms of a cold run (measured).
     */
    private record SingleKey(X509Certificate[] chain, PrivateKey key) implements X509KeyManager {
        public String[] getClientAliases(String type, Principal[] issuers) { return new String[] {"client"}; }
        public String chooseClientAlias(String[] types, Principal[] issuers, Socket s) { return "client"; }
        public String[] getServerAliases(String type, Principal[] issuers) { return null; }
        public String chooseServerAlias(String type, Principal[] issuers, Socket s) { return null; }
        public X509Certificate[] getCertificateChain(String alias) { return chain.clone(); }
        public PrivateKey getPrivateKey(String alias) { return key; }
    }

    /**
     * The JDK's PKIX validation, then the JDK's own HTTPS host-name check ({@code HostnameChecker}, what its trust
     * manager runs), told directly whether the chain ends at a public CA (the JDK's CAs; a cluster's is not): the
     * JDK's trust manager parses its whole cacerts file to find that out, 70 to 200 ms of a cold run (measured).
     * Without access to the checker (the jar's manifest exports it), the JDK's trust manager does both steps itself.
     * Without {@code pkix} ({@code insecure-skip-tls-verify}) every server is trusted.
     */
    static final class JdkIdentity extends X509ExtendedTrustManager {
        private static final HostnameChecker CHECKER = hostnameChecker();
        private final X509ExtendedTrustManager pkix;
        private final boolean publicCa;

        JdkIdentity(X509ExtendedTrustManager pkix, boolean publicCa) {
            this.pkix = pkix;
            this.publicCa = publicCa;
        }

        private static HostnameChecker hostnameChecker() {
            try {
                return HostnameChecker.getInstance(HostnameChecker.TYPE_TLS);
            } catch (LinkageError e) { // not exported to us, or gone
                return null;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            if (pkix == null) {
                return;
            }
            String algorithm = socket instanceof SSLSocket ssl
                    ? ssl.getSSLParameters().getEndpointIdentificationAlgorithm() : null;
            if (CHECKER == null || !"HTTPS".equalsIgnoreCase(algorithm)) {
                pkix.checkServerTrusted(chain, authType, socket);
                return;
            }
            pkix.checkServerTrusted(chain, authType);
            String host = ((SSLSocket) socket).getHandshakeSession().getPeerHost();
            if (host.endsWith(".")) { // a fully qualified name, as the JDK's trust manager (and Go) take it
                host = host.substring(0, host.length() - 1);
            }
            CHECKER.match(host, chain[0], publicCa);
        }

        // An SSLSocket client only calls the method above: the others check the chain alone, or refuse.
        public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException {
            checkServerTrusted(c, a, (Socket) null);
        }

        public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException {
            checkServerTrusted(c, a, (Socket) null);
        }

        public void checkClientTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException {
            checkClientTrusted(c, a);
        }

        public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException {
            checkClientTrusted(c, a);
        }

        public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix == null ? new X509Certificate[0] : pkix.getAcceptedIssuers();
        }
    }
}
