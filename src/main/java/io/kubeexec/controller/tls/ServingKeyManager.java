package io.kubeexec.controller.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The webhook listener's key pair, which can change while it serves: from files (cert-manager) or from the
 * controller's own Secret. Handshakes already under way keep the pair they chose.
 */
public abstract class ServingKeyManager extends X509ExtendedKeyManager {

    /** The manager new handshakes use; null while there is no pair yet (handshakes then fail). */
    protected abstract X509ExtendedKeyManager delegate();

    /** The manager chosen last, for the chain and key of an alias it picked. */
    protected abstract X509ExtendedKeyManager lastBuilt();

    /** The certificate served now, if any. */
    public Optional<X509Certificate> served() {
        X509ExtendedKeyManager current = lastBuilt();
        if (current == null) {
            return Optional.empty();
        }
        for (String type : new String[] {"EC", "RSA", "EdDSA"}) {
            String[] aliases = current.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                X509Certificate[] chain = current.getCertificateChain(aliases[0]);
                if (chain != null && chain.length > 0) {
                    return Optional.of(chain[0]);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        X509ExtendedKeyManager d = delegate();
        return d == null ? null : d.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        X509ExtendedKeyManager d = delegate();
        return d == null ? null : d.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        X509ExtendedKeyManager d = delegate();
        return d == null ? null : d.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        X509ExtendedKeyManager d = delegate();
        return d == null ? null : d.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        X509ExtendedKeyManager d = delegate();
        return d == null ? null : d.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        X509ExtendedKeyManager d = delegate();
        return d == null ? null : d.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509ExtendedKeyManager d = lastBuilt();
        return d == null ? null : d.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        X509ExtendedKeyManager d = lastBuilt();
        return d == null ? null : d.getPrivateKey(alias);
    }

    /** A key manager over an in-memory store of one pair (see {@link PemKeyStore}). */
    protected static X509ExtendedKeyManager build(KeyStore keyStore) {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(
                    KeyManagerFactory.getDefaultAlgorithm());
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
}
