package io.kubeexec.controller.tls;

import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.ClientAuthentication;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/** The controller's TLS: the webhook listener's (TLS 1.3 and 1.2, optionally mutual), and the hand-over's client. */
public final class ServerTls {

    private ServerTls() {
    }

    /**
     * The HTTPS endpoints' parameters: {@code keyManager}'s certificate; with {@code clientCaPath}, a caller without a
     * certificate from those CAs fails the handshake, so no request of its reaches a route.
     */
    public static SSLContextParameters webhook(X509KeyManager keyManager, Optional<Path> clientCaPath, Clock clock) {
        KeyManagersParameters keyManagers = new KeyManagersParameters() {
            @Override
            public KeyManager[] createKeyManagers() {
                return new KeyManager[] {keyManager};
            }
        };
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(List.of("TLSv1.3", "TLSv1.2"));
        SSLContextParameters tls = new OneSslContext();
        tls.setKeyManagers(keyManagers);
        tls.setSecureSocketProtocols(protocols);
        // Without client certificates nothing is verified: no need to read the JVM's CA bundle (~140 certificates).
        tls.setTrustManagers(new TrustManagersParameters() {
            @Override
            public TrustManager[] createTrustManagers() {
                return new TrustManager[0];
            }
        });
        clientCaPath.ifPresent(caPath -> {
            ClientCertificateTrust trust = new ClientCertificateTrust(caPath, clock);
            TrustManagersParameters trustManagers = new TrustManagersParameters() {
                @Override
                public TrustManager[] createTrustManagers() {
                    return new TrustManager[] {trust};
                }
            };
            SSLContextServerParameters server = new SSLContextServerParameters();
            server.setClientAuthentication(ClientAuthentication.REQUIRE.name());
            tls.setTrustManagers(trustManagers);
            tls.setServerParameters(server);
        });
        return tls;
    }

    /** The hand-over's client: this replica's key pair as client certificate, trusting peers through {@code peers}. */
    public static SSLContext handoverClient(X509KeyManager keyPair, X509TrustManager peers) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(new KeyManager[] {keyPair}, new TrustManager[] {peers}, null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for the hand-over: " + e.getMessage(), e);
        }
    }

    /**
     * Every HTTPS endpoint asks for an SSLContext, and they all share one listener: one context serves them all (the
     * key manager picks up a rotated certificate by itself).
     */
    private static final class OneSslContext extends SSLContextParameters {
        private SSLContext context;

        @Override
        public synchronized SSLContext createSSLContext(CamelContext camelContext)
                throws GeneralSecurityException, IOException {
            if (context == null) {
                context = super.createSSLContext(camelContext);
            }
            return context;
        }
    }
}
