package io.kubeexec.pi.kube;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import sun.security.util.HostnameChecker;

/**
 * The TLS side of a kubeconfig: trust only the cluster's CA when one is given (the JDK's cacerts otherwise), and
 * present the client certificate when there is one. The host name is the JDK's to check: {@link #socket} asks for its
 * HTTPS endpoint identification on a socket made for {@code tls-server-name} or the server's host (IP addresses
 * included), which is also the name sent as SNI.
 */
final class Tls {

    /**
     * {@code SSLParameters.setNamedGroups} (Java 20+). The JDK's client sends two key shares (X25519 and P-256) and
     * a cold JVM pays dearly for each; every Go API server accepts X25519, so the API server is offered that share
     * alone first, and one that refuses it gets a second handshake with the JDK's defaults.
     */
    static final java.lang.reflect.Method SET_NAMED_GROUPS = namedGroupsSetter();

    private Tls() {
    }

    private static java.lang.reflect.Method namedGroupsSetter() {
        try {
            return SSLParameters.class.getMethod("setNamedGroups", String[].class);
        } catch (NoSuchMethodException e) {
            return null; // Java 17-19
        }
    }

    static SSLContext context(ClientConfig config, byte[] clientCertPem, byte[] clientKeyPem) {
        try {
            TrustManager[] trust;
            if (config.insecureSkipTlsVerify()) {
                trust = new TrustManager[] {new JdkIdentity(null, false)};
            } else {
                KeyStore anchors = anchors(config);
                trust = new TrustManager[] {new JdkIdentity(pkix(anchors), anchors == null)};
            }
            X509ExtendedKeyManager[] keys = null;
            if (clientCertPem != null && clientKeyPem != null) {
                List<X509Certificate> chain = Pem.certificates(clientCertPem, "client-certificate");
                PrivateKey key = Pem.privateKey(clientKeyPem, "client-key");
                keys = new X509ExtendedKeyManager[] {new SingleKey(chain.toArray(new X509Certificate[0]), key)};
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new KubeException("TLS setup failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new KubeException(e.getMessage(), e);
        }
    }

    /** The cluster's certificate-authority as a key store, or null when the kubeconfig names none. */
    private static KeyStore anchors(ClientConfig config) throws GeneralSecurityException, IOException {
        byte[] ca = caBytes(config);
        if (ca == null) {
            return null;
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (X509Certificate cert : Pem.certificates(ca, "certificate-authority")) {
            ks.setCertificateEntry("ca-" + i++, cert);
        }
        return ks;
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

    /** The JDK's PKIX trust manager over {@code anchors}, or over its own cacerts when null. */
    private static X509ExtendedTrustManager pkix(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    static byte[] caBytes(ClientConfig config) {
        if (config.certificateAuthorityData() != null) {
            return config.certificateAuthorityData();
        }
        if (config.certificateAuthorityFile() != null) {
            return read(config.certificateAuthorityFile(), "certificate-authority");
        }
        return null;
    }

    static byte[] read(java.nio.file.Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KubeException("unable to read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** The one client certificate of the kubeconfig user, whatever the server asks for. */
    private static final class SingleKey extends X509ExtendedKeyManager {
        private final X509Certificate[] chain;
        private final PrivateKey key;

        SingleKey(X509Certificate[] chain, PrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }

    /**
     * The JDK's PKIX validation, then the JDK's own HTTPS host-name check ({@code sun.security.util.HostnameChecker},
     * what its trust manager runs for {@code setEndpointIdentificationAlgorithm("HTTPS")}), told directly whether the
     * chain ends at a public CA: the JDK's trust manager finds that out by parsing its whole cacerts file, 70 to 200
     * ms of a cold run on a busy two-core machine (measured), to apply a stricter wildcard rule to public CAs. A
     * cluster's own CA is not one; the JDK's CAs are. Without access to the checker (a JDK that moved it; the jar's
     * manifest exports it to the plugin), the JDK's trust manager does both steps itself. Without {@code pkix}
     * ({@code insecure-skip-tls-verify}) every server is trusted.
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

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            if (pkix != null) {
                pkix.checkServerTrusted(chain, authType, engine);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (pkix != null) {
                pkix.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix == null ? new X509Certificate[0] : pkix.getAcceptedIssuers();
        }
    }
}
