package io.kubeexec.controller.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS on the webhook port ({@code -client-ca-path}): a caller's certificate must chain to one of the PEM CA
 * certificates in the file, as the API server's does when its admission configuration gives it one. The file is
 * read again when it changes (a rotated CA), like the serving certificate; a file that no longer holds a
 * certificate keeps the previous CAs in service.
 */
public final class ClientCertificateTrust extends X509ExtendedTrustManager {

    private final ReloadingFiles<X509ExtendedTrustManager> cas;

    public ClientCertificateTrust(Path caPath, Clock clock) {
        this.cas = new ReloadingFiles<>(List.of(caPath), () -> build(load(caPath)), "client CA", clock);
    }

    /** The CA certificates of a PEM file; refuses a file that holds none, with a message naming it. */
    public static List<X509Certificate> load(Path caPath) {
        byte[] pem;
        try {
            pem = Files.readAllBytes(caPath);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the client CA file: " + e.getMessage(), e);
        }
        if (!new String(pem, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(caPath + " holds no PEM certificate");
        }
        try {
            List<X509Certificate> certificates = TrustAnchors.read(caPath);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(caPath + " holds no PEM certificate");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("cannot read the certificates in " + caPath + ": " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager build(List<X509Certificate> cas) {
        try {
            return TrustAnchors.pkix(cas);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the client CA certificates: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        cas.current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        cas.current().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        cas.current().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the webhook listener checks client certificates only");
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

    /** The CAs named in the server's certificate request, so a client with several certificates picks the right one. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.current().getAcceptedIssuers();
    }
}
