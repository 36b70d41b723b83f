package io.kubeexec.controller.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * PEM certificates as trust anchors, for the two places that trust by certificate: the client CA of mutual TLS
 * ({@link ClientCertificateTrust}) and the peers of the hand-over ({@code handover.PeerTrust}).
 */
public final class TrustAnchors {

    private TrustAnchors() {
    }

    /** Every certificate of a PEM file, in order; none when it holds none. */
    public static List<X509Certificate> read(Path pem) throws CertificateException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pem);
        } catch (IOException e) {
            throw new CertificateException("cannot read " + pem + ": " + e.getMessage(), e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(bytes))) {
            certificates.add((X509Certificate) certificate);
        }
        return certificates;
    }

    /** The JDK's PKIX trust manager over these anchors (at least one: the JDK refuses an empty store). */
    public static X509ExtendedTrustManager pkix(List<X509Certificate> anchors) throws GeneralSecurityException {
        if (anchors.isEmpty()) {
            throw new CertificateException("no certificate to trust");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("anchor-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new GeneralSecurityException("no X509 trust manager available");
        } catch (IOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }
}
