package io.kubeexec.controller.tls;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the PEM key pair and picks up a rotated one (cert-manager renews certificates in place) without a
 * restart: new handshakes use the new pair once the files change. A half-written pair keeps the old one.
 */
public final class ReloadingKeyManager extends ServingKeyManager {

    private final ReloadingFiles<X509ExtendedKeyManager> pair;

    public ReloadingKeyManager(Path certPath, Path keyPath, Clock clock) {
        this.pair = new ReloadingFiles<>(List.of(certPath, keyPath), () -> build(PemKeyStore.load(certPath, keyPath)),
                "TLS certificate", clock);
    }

    @Override
    protected X509ExtendedKeyManager delegate() {
        return pair.current();
    }

    @Override
    protected X509ExtendedKeyManager lastBuilt() {
        return pair.lastBuilt();
    }
}
