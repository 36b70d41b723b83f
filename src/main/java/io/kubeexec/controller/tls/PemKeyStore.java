package io.kubeexec.controller.tls;

import io.fabric8.kubernetes.client.internal.CertUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * Builds an in-memory KeyStore from a PEM certificate chain and an unencrypted PEM private key (PKCS#8, PKCS#1 RSA
 * or SEC1 EC), as cert-manager and openssl write them. Neither Camel nor Undertow reads PEM.
 */
public final class PemKeyStore {

    /** The alias-free password of the in-memory store; it never leaves the process. */
    public static final char[] PASSWORD = "kube-exec-controller".toCharArray();

    private PemKeyStore() {
    }

    public static KeyStore load(Path certPath, Path keyPath) {
        String cert;
        String key;
        try {
            cert = Files.readString(certPath, StandardCharsets.US_ASCII);
            key = Files.readString(keyPath, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read TLS files: " + e.getMessage(), e);
        }
        if (!cert.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(certPath + " holds no PEM certificate");
        }
        if (key.contains("ENCRYPTED")) {
            throw new IllegalArgumentException(keyPath + " holds an encrypted private key; give an unencrypted one");
        }
        String[] algorithms;
        if (key.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            algorithms = new String[] {"RSA"};
        } else if (key.contains("-----BEGIN EC PRIVATE KEY-----")) {
            algorithms = new String[] {"EC"};
        } else if (key.contains("-----BEGIN PRIVATE KEY-----")) {
            algorithms = new String[] {"RSA", "EC", "Ed25519"}; // PKCS#8 does not say which in its header
        } else {
            throw new IllegalArgumentException(keyPath + " holds no PEM private key (PKCS#1, PKCS#8 or EC)");
        }
        Exception last = null;
        for (String algorithm : algorithms) {
            try {
                return CertUtils.createKeyStore(stream(cert), stream(key), algorithm, PASSWORD, null, PASSWORD);
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalArgumentException("cannot load the TLS key pair from " + certPath + " and " + keyPath
                + ": " + (last == null ? "unknown error" : last.getMessage()), last);
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
