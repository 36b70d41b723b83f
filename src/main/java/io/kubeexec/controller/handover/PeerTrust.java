package io.kubeexec.controller.handover;

import io.kubeexec.controller.tls.TrustAnchors;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which peers this replica hands its work to: those that present this replica's own serving certificate, or one
 * issued by a CA in the {@code ca.crt} next to it (the Secret a cert-manager Certificate writes, mounted by every
 * replica), so a peer that reloaded a renewed certificate before this one is still trusted. Peers are reached by
 * address (a headless Service's endpoints), which the certificate does not name, so host names are not checked:
 * the trust is the certificate itself. Both files are read at each hand-over, so a rotation is always seen. With
 * self-managed certificates (-certificate-secret) the anchors are the CAs the Secret holds, current and rotating.
 */
public final class PeerTrust extends X509ExtendedTrustManager {

    /** The certificates to trust, asked at each hand-over. */
    @FunctionalInterface
    public interface Anchors {
        List<X509Certificate> get() throws CertificateException;
    }

    private final Anchors anchors;
    private final String source;

    /** Trusts this replica's certificate file and the {@code ca.crt} beside it. */
    public PeerTrust(Path certPath) {
        this(() -> fromFiles(certPath), certPath.toString());
    }

    public PeerTrust(Anchors anchors, String source) {
        this.anchors = anchors;
        this.source = source;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trusted().checkServerTrusted(chain, authType);
    }

    // The socket and engine variants would also check the host name against the URL's address.
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
        throw new CertificateException("the hand-over client trusts servers only");
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
        return new X509Certificate[0];
    }

    /** The certificates trusted now. */
    List<X509Certificate> anchors() throws CertificateException {
        return anchors.get();
    }

    /** This replica's chain, and the CAs beside it. */
    private static List<X509Certificate> fromFiles(Path certPath) throws CertificateException {
        List<X509Certificate> anchors = new ArrayList<>(TrustAnchors.read(certPath));
        Path ca = certPath.resolveSibling("ca.crt");
        if (Files.isReadable(ca)) {
            anchors.addAll(TrustAnchors.read(ca));
        }
        return anchors;
    }

    private X509TrustManager trusted() throws CertificateException {
        List<X509Certificate> trusted = anchors();
        if (trusted.isEmpty()) {
            // The JDK would throw a RuntimeException for an empty trust store.
            throw new CertificateException("nothing to trust the peers by in " + source + " yet");
        }
        try {
            return TrustAnchors.pkix(trusted);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("cannot build the peers' trust from " + source + ": " + e.getMessage(), e);
        }
    }
}
