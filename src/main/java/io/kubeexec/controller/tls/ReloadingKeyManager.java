package io.kubeexec.controller.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the PEM key pair and picks up a rotated one (cert-manager renews certificates in place) without a
 * restart: new handshakes use the new pair once the files change. A half-written pair keeps the old one.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);
    private static final long CHECK_EVERY_MILLIS = 10_000;

    private final Path certPath;
    private final Path keyPath;
    private final Clock clock;
    private volatile X509ExtendedKeyManager current;
    private volatile String loadedStamp;
    private volatile Instant nextCheck;

    public ReloadingKeyManager(Path certPath, Path keyPath, Clock clock) {
        this.certPath = certPath;
        this.keyPath = keyPath;
        this.clock = clock;
        this.loadedStamp = stamp();
        this.current = build(PemKeyStore.load(certPath, keyPath));
        this.nextCheck = clock.instant().plusMillis(CHECK_EVERY_MILLIS);
    }

    private X509ExtendedKeyManager delegate() {
        Instant now = clock.instant();
        if (now.isAfter(nextCheck)) {
            nextCheck = now.plusMillis(CHECK_EVERY_MILLIS);
            String stamp = stamp();
            if (!stamp.equals(loadedStamp)) {
                try {
                    current = build(PemKeyStore.load(certPath, keyPath));
                    loadedStamp = stamp;
                    LOG.info("Reloaded the TLS certificate from {}", certPath);
                } catch (RuntimeException e) {
                    LOG.warn("Keeping the previous TLS certificate: {}", e.getMessage());
                }
            }
        }
        return current;
    }

    private String stamp() {
        try {
            return Files.getLastModifiedTime(certPath) + "|" + Files.getLastModifiedTime(keyPath)
                    + "|" + Files.size(certPath) + "|" + Files.size(keyPath);
        } catch (IOException e) {
            return "unreadable";
        }
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
        return current.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.getPrivateKey(alias);
    }
}
