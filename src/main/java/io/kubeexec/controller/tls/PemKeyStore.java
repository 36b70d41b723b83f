package io.kubeexec.controller.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.crypto.spec.PBEParameterSpec;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an in-memory KeyStore from a PEM certificate chain and an unencrypted PEM private key (PKCS#8, PKCS#1 RSA
 * or SEC1 EC), as cert-manager and openssl write them. Neither Camel nor Undertow reads PEM.
 */
public final class PemKeyStore {

    /** The alias-free password of the in-memory store; it never leaves the process. */
    public static final char[] PASSWORD = "kube-exec-controller".toCharArray();

    private static final String ALIAS = "kube-exec-controller";

    /**
     * The store never leaves the process, so encrypting its key protects nothing. PKCS#12's default (10 000 rounds
     * of PBKDF2) cost about 0.4 s of CPU per start in a cold JVM, and its just-in-time compilation as much again; one
     * round keeps the store a standard one that any KeyManagerFactory reads with {@link #PASSWORD}.
     */
    private static final KeyStore.PasswordProtection IN_MEMORY = new KeyStore.PasswordProtection(PASSWORD,
            "PBEWithHmacSHA256AndAES_256", new PBEParameterSpec(new byte[20], 1));

    private static final Pattern PRIVATE_KEY_BLOCK =
            Pattern.compile("-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----.*?-----END \\1-----", Pattern.DOTALL);

    private PemKeyStore() {
    }

    public static KeyStore load(Path certPath, Path keyPath) {
        String cert;
        String key;
        try {
            // Latin-1 never fails to decode, so a DER or other binary file reaches the "no PEM" checks below.
            cert = Files.readString(certPath, StandardCharsets.ISO_8859_1);
            key = Files.readString(keyPath, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read TLS files: " + e.getMessage(), e);
        }
        return fromPem(cert, key, certPath.toString(), keyPath.toString());
    }

    /** The same, from PEM text; {@code certSource} and {@code keySource} name where it came from in messages. */
    public static KeyStore fromPem(String cert, String key, String certSource, String keySource) {
        if (!cert.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(certSource + " holds no PEM certificate");
        }
        if (key.contains("ENCRYPTED")) {
            throw new IllegalArgumentException(keySource + " holds an encrypted private key; give an unencrypted one");
        }
        // Only the key block: `openssl ecparam -genkey` writes an EC PARAMETERS block before it.
        Matcher block = PRIVATE_KEY_BLOCK.matcher(key);
        if (!block.find()) {
            throw new IllegalArgumentException(keySource + " holds no PEM private key (PKCS#1, PKCS#8 or EC)");
        }
        List<Certificate> chain;
        PrivateKey privateKey;
        try {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(stream(cert)));
            if (chain.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            privateKey = privateKey(block.group(1), Base64.getMimeDecoder().decode(
                    block.group().replaceAll("-----[A-Z ]+-----", "")));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load the TLS key pair from " + certSource + " and " + keySource
                    + ": " + e.getMessage(), e);
        }
        requireMatchingPair(privateKey, chain.get(0).getPublicKey(), certSource, keySource);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setEntry(ALIAS, new KeyStore.PrivateKeyEntry(privateKey, chain.toArray(Certificate[]::new)),
                    IN_MEMORY);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the TLS key pair in memory: " + e.getMessage(), e);
        }
    }

    /** The unencrypted private key of a PEM text (PKCS#8, PKCS#1 RSA or SEC1 EC). */
    public static PrivateKey privateKey(String keyPem) {
        Matcher block = PRIVATE_KEY_BLOCK.matcher(keyPem);
        if (!block.find()) {
            throw new IllegalArgumentException("no PEM private key (PKCS#1, PKCS#8 or EC)");
        }
        try {
            return privateKey(block.group(1), Base64.getMimeDecoder().decode(
                    block.group().replaceAll("-----[A-Z ]+-----", "")));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the private key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String type, byte[] der) throws GeneralSecurityException {
        return switch (type) {
            case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(Pkcs8.fromPkcs1(der));
            case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(Pkcs8.fromSec1(der));
            default -> pkcs8(der); // PKCS#8 does not say which algorithm in its header
        };
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * A certificate whose public key is not the private key's would fail every handshake. It happens mid-rotation,
     * when one file is replaced before the other; refusing it keeps the previous pair in service.
     */
    private static void requireMatchingPair(PrivateKey privateKey, PublicKey publicKey, String certPath,
            String keyPath) {
        boolean matches;
        try {
            matches = privateKey instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey rsaPublic
                    // The public half is in the private key: no signature (a slow first one in a cold JVM) needed.
                    ? rsa.getModulus().equals(rsaPublic.getModulus())
                            && rsa.getPublicExponent().equals(rsaPublic.getPublicExponent())
                    : signs(privateKey, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate in " + certPath + " is not for the private key in "
                    + keyPath + ": " + e.getMessage(), e);
        }
        if (!matches) {
            throw new IllegalArgumentException("the certificate in " + certPath + " is not for the private key in "
                    + keyPath);
        }
    }

    private static boolean signs(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> privateKey.getAlgorithm();
        };
        byte[] challenge = "kube-exec-controller key pair check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(challenge);
        return verifier.verify(signature);
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
