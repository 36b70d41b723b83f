package io.kubeexec.controller.tls;

import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the key pair the controller keeps in its Secret (-certificate-secret): empty until the Secret is first
 * read, then whatever pair {@link #serve} was last given.
 */
public final class SecretKeyManager extends ServingKeyManager {

    private volatile X509ExtendedKeyManager current;
    private volatile String servedPem;

    /** Serves this pair from the next handshake on; the same pair again changes nothing. */
    public void serve(String certificatePem, String keyPem, String source) {
        if (certificatePem.equals(servedPem)) {
            return;
        }
        current = build(PemKeyStore.fromPem(certificatePem, keyPem, source, source));
        servedPem = certificatePem;
    }

    /** The PEM certificate served now, or null. */
    public String servedPem() {
        return servedPem;
    }

    @Override
    protected X509ExtendedKeyManager delegate() {
        return current;
    }

    @Override
    protected X509ExtendedKeyManager lastBuilt() {
        return current;
    }
}
