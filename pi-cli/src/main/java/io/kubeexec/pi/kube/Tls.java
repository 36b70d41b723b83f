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
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS side of a kubeconfig: trust only the cluster's CA when one is given (the JDK's cacerts otherwise), and
 * present the client certificate when there is one. The host name is checked by {@link VerifyingTrust}.
 */
final class Tls {

    private Tls() {
    }

    /**
     * @param serverName the name the server's certificate must hold: {@code tls-server-name}, else the host
     */
    static SSLContext context(ClientConfig config, String serverName, byte[] clientCertPem, byte[] clientKeyPem) {
        try {
            TrustManager[] trust;
            if (config.insecureSkipTlsVerify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else {
                byte[] ca = caBytes(config);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                if (ca == null) {
                    tmf.init((KeyStore) null);
                } else {
                    KeyStore ks = KeyStore.getInstance("PKCS12");
                    ks.load(null, null);
                    int i = 0;
                    for (X509Certificate cert : Pem.certificates(ca, "certificate-authority")) {
                        ks.setCertificateEntry("ca-" + i++, cert);
                    }
                    tmf.init(ks);
                }
                X509TrustManager pkix = null;
                for (TrustManager tm : tmf.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x) {
                        pkix = x;
                    }
                }
                trust = new TrustManager[] {new VerifyingTrust(pkix, serverName)};
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

    /**
     * For an https proxy: its chain must lead to one of the JDK's CAs or to the cluster's {@code certificate-authority}
     * (kubectl trusts the latter for its proxy too), and its certificate must name the proxy's host, checked as the
     * API server's is. {@code insecure-skip-tls-verify} is about the cluster and does not apply; nor is the client
     * certificate shown to the proxy.
     */
    static SSLContext proxyContext(ClientConfig config, String proxyHost) {
        try {
            List<X509TrustManager> anchors = new java.util.ArrayList<>();
            anchors.add(pkix(null));
            byte[] ca = caBytes(config);
            if (ca != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int i = 0;
                for (X509Certificate cert : Pem.certificates(ca, "certificate-authority")) {
                    ks.setCertificateEntry("ca-" + i++, cert);
                }
                anchors.add(pkix(ks));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new VerifyingTrust(new AnyOf(anchors), proxyHost)}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new KubeException("TLS setup for the proxy failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new KubeException(e.getMessage(), e);
        }
    }

    /** The JDK's PKIX trust manager over {@code anchors}, or over its own cacerts when null. */
    private static X509TrustManager pkix(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /** Trusts a chain that any of several trust managers trusts. */
    private static final class AnyOf implements X509TrustManager {
        private final List<X509TrustManager> all;

        AnyOf(List<X509TrustManager> all) {
            this.all = List.copyOf(all);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = null;
            for (X509TrustManager tm : all) {
                try {
                    tm.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return all.stream().flatMap(tm -> java.util.Arrays.stream(tm.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
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
     * The JDK's PKIX validation of the chain, then the host name checked as Go's crypto/x509 does for kubectl
     * (subject alternative names only; a wildcard stands for exactly one leftmost label). Doing the name check here
     * rather than with the JDK's "HTTPS" endpoint identification spares every run the loading of the whole cacerts
     * file, which the JDK reads only to decide a wildcard rule for public CAs.
     */
    static final class VerifyingTrust extends X509ExtendedTrustManager {
        private final X509TrustManager pkix;
        private final String serverName;

        VerifyingTrust(X509TrustManager pkix, String serverName) {
            this.pkix = pkix;
            this.serverName = serverName;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            HostnameVerifier.verify(serverName, chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    /** insecure-skip-tls-verify: true. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
