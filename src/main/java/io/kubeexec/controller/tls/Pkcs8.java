package io.kubeexec.controller.tls;

import java.io.ByteArrayOutputStream;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * Wraps the two traditional PEM key forms openssl and older tools write, PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
 * ({@code EC PRIVATE KEY}), into the PKCS#8 structure the JDK's KeyFactory reads: the same key, with the algorithm
 * (and for EC the named curve) stated beside it.
 */
final class Pkcs8 {

    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int OID = 0x06;
    private static final int NULL = 0x05;
    private static final int CURVE = 0xA0;
    private static final byte[] RSA_ENCRYPTION = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 1, 1, 1};
    private static final byte[] EC_PUBLIC_KEY = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 2, 1};

    private Pkcs8() {
    }

    static PKCS8EncodedKeySpec fromPkcs1(byte[] rsaPrivateKey) {
        return wrap(tlv(SEQUENCE, tlv(OID, RSA_ENCRYPTION), tlv(NULL)), rsaPrivateKey);
    }

    /** SEC1 states its curve in an optional field; a key without it cannot be used, and says so. */
    static PKCS8EncodedKeySpec fromSec1(byte[] ecPrivateKey) throws InvalidKeySpecException {
        byte[] curve = null;
        int[] outer = header(ecPrivateKey, 0);
        if (ecPrivateKey[0] != SEQUENCE) {
            throw new InvalidKeySpecException("not an EC private key (SEC1)");
        }
        for (int at = outer[0]; at < outer[0] + outer[1]; ) {
            int[] field = header(ecPrivateKey, at);
            if ((ecPrivateKey[at] & 0xFF) == CURVE) {
                curve = Arrays.copyOfRange(ecPrivateKey, field[0], field[0] + field[1]);
            }
            at = field[0] + field[1];
        }
        if (curve == null || curve[0] != OID) {
            throw new InvalidKeySpecException("the EC private key names no curve");
        }
        return wrap(tlv(SEQUENCE, tlv(OID, EC_PUBLIC_KEY), curve), ecPrivateKey);
    }

    private static PKCS8EncodedKeySpec wrap(byte[] algorithm, byte[] key) {
        return new PKCS8EncodedKeySpec(tlv(SEQUENCE, tlv(INTEGER, new byte[] {0}), algorithm, tlv(OCTET_STRING, key)));
    }

    /** Offset of the value and its length, for the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) throws InvalidKeySpecException {
        if (at + 2 > der.length) {
            throw new InvalidKeySpecException("truncated key");
        }
        int first = der[at + 1] & 0xFF;
        if (first < 0x80) {
            return check(der, at + 2, first);
        }
        int bytes = first & 0x7F;
        if (bytes == 0 || bytes > 3 || at + 2 + bytes > der.length) {
            throw new InvalidKeySpecException("malformed key");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xFF);
        }
        return check(der, at + 2 + bytes, length);
    }

    private static int[] check(byte[] der, int start, int length) throws InvalidKeySpecException {
        if (start + length > der.length) {
            throw new InvalidKeySpecException("truncated key");
        }
        return new int[] {start, length};
    }

    private static byte[] tlv(int tag, byte[]... values) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (byte[] v : values) {
            value.writeBytes(v);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.size();
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82 + (length >= 0x10000 ? 1 : 0));
            if (length >= 0x10000) {
                out.write(length >> 16);
            }
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(value.toByteArray());
        return out.toByteArray();
    }
}
