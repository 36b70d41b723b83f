package io.kubeexec.pi.kube;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM a kubeconfig holds: certificate bundles and unencrypted private keys in PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) form, as client-go does.
 */
public final class Pem {

    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Pem() {
    }

    /** One PEM block: its type (e.g. {@code CERTIFICATE}) and decoded bytes. */
    public record Block(String type, byte[] der) {
    }

    public static List<Block> blocks(byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", from);
            if (begin < 0) {
                return blocks;
            }
            int typeEnd = text.indexOf("-----", begin + 11);
            if (typeEnd < 0) {
                return blocks;
            }
            String type = text.substring(begin + 11, typeEnd);
            String endMarker = "-----END " + type + "-----";
            int end = text.indexOf(endMarker, typeEnd);
            if (end < 0) {
                throw new IllegalArgumentException("PEM block " + type + " has no END line");
            }
            String body = text.substring(typeEnd + 5, end);
            if (body.contains("Proc-Type:") || body.contains("DEK-Info:")) {
                throw new IllegalArgumentException("encrypted PEM private keys are not supported");
            }
            blocks.add(new Block(type, Base64.getMimeDecoder().decode(body)));
            from = end + endMarker.length();
        }
    }

    public static List<X509Certificate> certificates(byte[] pem, String what) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem)) {
                if (b.type().equals("CERTIFICATE")) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(what + ": no PEM CERTIFICATE found");
        }
        return certs;
    }

    public static PrivateKey privateKey(byte[] pem, String what) {
        try {
            for (Block b : blocks(pem)) {
                switch (b.type()) {
                    case "PRIVATE KEY":
                        return pkcs8(b.der(), "RSA", "EC", "Ed25519", "Ed448");
                    case "RSA PRIVATE KEY":
                        return pkcs8(pkcs8(RSA_ALGORITHM, b.der()), "RSA");
                    case "EC PRIVATE KEY":
                        return pkcs8(pkcs8(tlv(0x30, concat(EC_PUBLIC_KEY_OID, curve(b.der()))), b.der()), "EC");
                    case "ENCRYPTED PRIVATE KEY":
                        throw new IllegalArgumentException("encrypted private keys are not supported");
                    default:
                        // e.g. "EC PARAMETERS" before the key: skip
                }
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(what + ": no PEM private key found");
    }

    /** A PKCS#8 key of the first of these algorithms that takes it (the JDK's key factories check the OID). */
    private static PrivateKey pkcs8(byte[] der, String... algorithms) throws GeneralSecurityException {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // another algorithm
            }
        }
        throw new GeneralSecurityException("unsupported private key algorithm");
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 or SEC1 key: version 0, the algorithm, the key as an octet string. */
    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
    }

    /** The named curve of a SEC1 ECPrivateKey: its [0] parameters, after the version and the private key. */
    private static byte[] curve(byte[] sec1) {
        int p = start(sec1, 0);
        p = end(sec1, p); // version
        p = end(sec1, p); // privateKey
        if (p >= sec1.length || (sec1[p] & 0xff) != 0xa0) {
            throw new IllegalArgumentException("EC private key without curve parameters");
        }
        int oid = start(sec1, p);
        return Arrays.copyOfRange(sec1, oid, end(sec1, oid));
    }

    /** Where the content of the DER element at {@code at} starts. */
    private static int start(byte[] der, int at) {
        return at + 2 + (der[at + 1] < 0 ? der[at + 1] & 0x7f : 0);
    }

    /** Where the DER element at {@code at} ends. */
    private static int end(byte[] der, int at) {
        if (at + 2 > der.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        int length = der[at + 1] & 0xff;
        if (length >= 0x80) {
            int bytes = length & 0x7f;
            if (bytes == 0 || bytes > 3 || at + 2 + bytes > der.length) {
                throw new IllegalArgumentException("unsupported DER length");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (der[at + 2 + i] & 0xff);
            }
        }
        int end = start(der, at) + length;
        if (end > der.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        return end;
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n >= 0x80) {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i > 0; i--) {
                out.write(n >> (8 * i));
            }
        }
        out.write(n);
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
