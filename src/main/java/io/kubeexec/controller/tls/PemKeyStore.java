package io.kubeexec.controller.tls;

import io.fabric8.kubernetes.client.internal.CertUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an in-memory KeyStore from a PEM certificate chain and an unencrypted PEM private key (PKCS#8, PKCS#1 RSA
 * or SEC1 EC), as cert-manager and openssl write them. Neither Camel nor Undertow reads PEM.
 */
public final class PemKeyStore {

    /** The alias-free password of the in-memory store; it never leaves the process. */
    public static final char[] PASSWORD = "kube-exec-controller".toCharArray();

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
        if (!cert.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(certPath + " holds no PEM certificate");
        }
        if (key.contains("ENCRYPTED")) {
            throw new IllegalArgumentException(keyPath + " holds an encrypted private key; give an unencrypted one");
        }
        // Only the key block: `openssl ecparam -genkey` writes an EC PARAMETERS block before it.
        Matcher block = PRIVATE_KEY_BLOCK.matcher(key);
        if (!block.find()) {
            throw new IllegalArgumentException(keyPath + " holds no PEM private key (PKCS#1, PKCS#8 or EC)");
        }
        key = block.group();
        String[] algorithms = switch (block.group(1)) {
            case "RSA PRIVATE KEY" -> new String[] {"RSA"};
            case "EC PRIVATE KEY" -> new String[] {"EC"};
            default -> new String[] {"RSA", "EC", "Ed25519"}; // PKCS#8 does not say which in its header
        };
        Exception last = null;
        for (String algorithm : algorithms) {
            KeyStore store;
            try {
                store = CertUtils.createKeyStore(stream(cert), stream(key), algorithm, PASSWORD, null, PASSWORD);
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
                last = e;
                continue;
            }
            requireMatchingPair(store, certPath, keyPath);
            return store;
        }
        throw new IllegalArgumentException("cannot load the TLS key pair from " + certPath + " and " + keyPath
                + ": " + (last == null ? "unknown error" : last.getMessage()), last);
    }

    /**
     * A certificate whose public key is not the private key's would fail every handshake. It happens mid-rotation,
     * when one file is replaced before the other; refusing it keeps the previous pair in service.
     */
    private static void requireMatchingPair(KeyStore store, Path certPath, Path keyPath) {
        try {
            String alias = Collections.list(store.aliases()).stream().filter(a -> isKey(store, a)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no private key in " + keyPath));
            PrivateKey privateKey = (PrivateKey) store.getKey(alias, PASSWORD);
            PublicKey publicKey = store.getCertificate(alias).getPublicKey();
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
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("the certificate in " + certPath
                        + " is not for the private key in " + keyPath);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate in " + certPath + " is not for the private key in "
                    + keyPath + ": " + e.getMessage(), e);
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (KeyStoreException e) {
            return false;
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
