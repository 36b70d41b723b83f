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
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
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
                        return pkcs8(b.der());
                    case "RSA PRIVATE KEY":
                        return KeyFactory.getInstance("RSA").generatePrivate(
                                new PKCS8EncodedKeySpec(sequence(concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM,
                                        tlv(0x04, b.der())))));
                    case "EC PRIVATE KEY":
                        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(sec1ToPkcs8(b.der())));
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

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        Der outer = new Der(der, 0);
        Der inner = outer.child(); // version
        Der algorithm = inner.next(); // AlgorithmIdentifier
        Der oid = algorithm.child();
        String name = switch (oid.hex()) {
            case "2a864886f70d010101", "2a864886f70d01010a" -> "RSA";
            case "2a8648ce3d0201" -> "EC";
            case "2b6570" -> "Ed25519";
            case "2b6571" -> "Ed448";
            default -> throw new GeneralSecurityException("unsupported private key algorithm");
        };
        return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** SEC1 ECPrivateKey → PKCS#8 PrivateKeyInfo, taking the curve from the SEC1 [0] parameters. */
    private static byte[] sec1ToPkcs8(byte[] sec1) {
        Der seq = new Der(sec1, 0);
        byte[] curve = null;
        for (Der d = seq.child(); d != null; d = d.next()) {
            if (d.tag() == 0xa0) {
                Der param = d.child();
                curve = param.encoded();
            }
        }
        if (curve == null) {
            throw new IllegalArgumentException("EC private key without curve parameters");
        }
        byte[] algorithm = sequence(concat(EC_PUBLIC_KEY_OID, curve));
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, sec1)));
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
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

    /** A cursor over one DER element: enough to find an algorithm OID or curve. */
    private static final class Der {
        private final byte[] buf;
        private final int start;
        private final int contentStart;
        private final int contentLength;

        Der(byte[] buf, int start) {
            if (start + 2 > buf.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            this.buf = buf;
            this.start = start;
            int len = buf[start + 1] & 0xff;
            int p = start + 2;
            if (len >= 0x80) {
                int bytes = len & 0x7f;
                if (bytes == 0 || bytes > 3) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (buf[p++] & 0xff);
                }
            }
            if (p + len > buf.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            this.contentStart = p;
            this.contentLength = len;
        }

        int tag() {
            return buf[start] & 0xff;
        }

        Der child() {
            return contentLength == 0 ? null : new Der(buf, contentStart);
        }

        Der next() {
            int end = contentStart + contentLength;
            return end >= buf.length ? null : new Der(buf, end);
        }

        byte[] encoded() {
            byte[] out = new byte[contentStart + contentLength - start];
            System.arraycopy(buf, start, out, 0, out.length);
            return out;
        }

        String hex() {
            StringBuilder sb = new StringBuilder();
            for (int i = contentStart; i < contentStart + contentLength; i++) {
                sb.append(Character.forDigit((buf[i] >> 4) & 0xf, 16)).append(Character.forDigit(buf[i] & 0xf, 16));
            }
            return sb.toString();
        }
    }
}
