package io.kubeexec.controller.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Issues the self-managed certificates (-certificate-secret): a CA of the controller's own and the webhook's serving
 * certificate, both ECDSA P-256 with SHA-256, encoded with {@link Der} and signed by the JDK. Used only in that mode,
 * so a start with certificate files never loads it.
 */
public final class CertificateIssuer {

    /** A certificate and its unencrypted private key, both PEM (PKCS#8 for the key), as the Secret holds them. */
    public record Issued(String certificatePem, String keyPem) {
    }

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_KEY_ID = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String AUTHORITY_KEY_ID = "2.5.29.35";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;
    /** Certificates start this long before they are issued: a node whose clock is a little behind still accepts. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final SecureRandom random = new SecureRandom();

    /** A self-signed CA that may sign end-entity certificates only (path length 0). */
    public Issued certificateAuthority(String commonName, Instant now, Duration validity) {
        KeyPair keys = newKeyPair();
        byte[] name = name(commonName);
        byte[] keyId = keyId(keys.getPublic().getEncoded());
        byte[] extensions = Der.sequence(
                extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(BigInteger.ZERO))),
                extension(KEY_USAGE, true, Der.namedBits(DIGITAL_SIGNATURE, KEY_CERT_SIGN, CRL_SIGN)),
                extension(SUBJECT_KEY_ID, false, Der.octetString(keyId)));
        return issue(name, keys, name, keys.getPrivate(), now, validity, extensions);
    }

    /** A serving certificate for {@code dnsNames} (the first is its common name), signed by {@code ca}. */
    public Issued serving(Issued ca, List<String> dnsNames, Instant now, Duration validity) {
        X509Certificate caCertificate = certificate(ca.certificatePem());
        PrivateKey caKey = PemKeyStore.privateKey(ca.keyPem());
        KeyPair keys = newKeyPair();
        byte[][] names = dnsNames.stream()
                .map(n -> Der.implicitPrimitive(2, n.getBytes(StandardCharsets.US_ASCII))).toArray(byte[][]::new);
        byte[] extensions = Der.sequence(
                // CA:FALSE is the default, which DER leaves out: an empty sequence.
                extension(BASIC_CONSTRAINTS, true, Der.sequence()),
                extension(KEY_USAGE, true, Der.namedBits(DIGITAL_SIGNATURE)),
                // Client too: the replicas show it to each other at a hand-over (-handover-peers).
                extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
                extension(SUBJECT_ALT_NAME, false, Der.sequence(names)),
                extension(SUBJECT_KEY_ID, false, Der.octetString(keyId(keys.getPublic().getEncoded()))),
                extension(AUTHORITY_KEY_ID, false, Der.sequence(
                        Der.implicitPrimitive(0, keyId(caCertificate.getPublicKey().getEncoded())))));
        return issue(name(dnsNames.get(0)), keys, caCertificate.getSubjectX500Principal().getEncoded(), caKey, now,
                validity, extensions);
    }

    private Issued issue(byte[] subject, KeyPair keys, byte[] issuer, PrivateKey signer, Instant now,
            Duration validity, byte[] extensions) {
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] serial = new byte[16];
        random.nextBytes(serial);
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
                Der.integer(new BigInteger(1, serial)),
                algorithm,
                issuer,
                Der.sequence(Der.time(now.minus(BACKDATE)), Der.time(now.plus(validity))),
                subject,
                keys.getPublic().getEncoded(),
                Der.explicit(3, extensions));
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(signer);
            signature.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signature.sign()));
            return new Issued(pem("CERTIFICATE", der), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    private KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC key: " + e.getMessage(), e);
        }
    }

    /** The certificate of a PEM text (its first one). */
    public static X509Certificate certificate(String pem) {
        return certificates(pem).get(0);
    }

    /** The certificates of a PEM text, in order. */
    public static List<X509Certificate> certificates(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.ISO_8859_1)))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] name(String commonName) {
        return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** RFC 7093's method: the leftmost 160 bits of the SHA-256 of the public key (here its whole encoding). */
    private static byte[] keyId(byte[] publicKey) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), 20);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
