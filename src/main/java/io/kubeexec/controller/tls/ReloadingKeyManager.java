package io.kubeexec.controller.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the PEM key pair and picks up a rotated one (cert-manager renews certificates in place) without a
 * restart: new handshakes use the new pair once the files change. A half-written pair keeps the old one.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private final ReloadingFiles<X509ExtendedKeyManager> pair;

    public ReloadingKeyManager(Path certPath, Path keyPath, Clock clock) {
        this.pair = new ReloadingFiles<>(List.of(certPath, keyPath), () -> build(PemKeyStore.load(certPath, keyPath)),
                "TLS certificate", clock);
    }

    private X509ExtendedKeyManager delegate() {
        return pair.current();
    }

    private static X509ExtendedKeyManager build(KeyStore keyStore) {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore, PemKeyStore.PASSWORD);
            for (var manager : factory.getKeyManagers()) {
                if (manager instanceof X509ExtendedKeyManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509 key manager available");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the TLS key pair: " + e.getMessage(), e);
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return pair.lastBuilt().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return pair.lastBuilt().getPrivateKey(alias);
    }
}
