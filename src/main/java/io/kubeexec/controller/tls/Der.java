package io.kubeexec.controller.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The few DER encodings an X.509 certificate is made of (ITU-T X.690), so that the controller can issue its own
 * certificates with the JDK alone: Java can sign, but has no public API to build a certificate.
 */
final class Der {

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
    private static final Instant UTC_TIME_END = Instant.parse("2050-01-01T00:00:00Z");

    private Der() {
    }

    static byte[] sequence(byte[]... items) {
        return tagged(0x30, concat(items));
    }

    static byte[] set(byte[]... items) {
        return tagged(0x31, concat(items));
    }

    static byte[] integer(BigInteger value) {
        return tagged(0x02, value.toByteArray());
    }

    static byte[] bool(boolean value) {
        return tagged(0x01, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    static byte[] octetString(byte[] value) {
        return tagged(0x04, value);
    }

    /** A BIT STRING of whole bytes (no unused bits), as signatures and key identifiers are. */
    static byte[] bitString(byte[] value) {
        byte[] content = new byte[value.length + 1];
        System.arraycopy(value, 0, content, 1, value.length);
        return tagged(0x03, content);
    }

    /** A named-bit BIT STRING (KeyUsage): bit 0 is the first byte's highest bit; trailing zero bits are dropped. */
    static byte[] namedBits(int... bits) {
        int highest = 0;
        for (int bit : bits) {
            highest = Math.max(highest, bit);
        }
        byte[] content = new byte[1 + highest / 8 + 1];
        for (int bit : bits) {
            content[1 + bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        content[0] = (byte) (7 - highest % 8);
        return tagged(0x03, content);
    }

    static byte[] utf8String(String value) {
        return tagged(0x0c, value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] time(Instant instant) {
        return instant.isBefore(UTC_TIME_END)
                ? tagged(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII))
                : tagged(0x18, GENERALIZED_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = 1;
            for (long rest = arc >>> 7; rest != 0; rest >>>= 7) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((arc >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
            }
        }
        return tagged(0x06, out.toByteArray());
    }

    /** [n] EXPLICIT: a constructed context tag around one encoded value. */
    static byte[] explicit(int tag, byte[] value) {
        return tagged(0xa0 | tag, value);
    }

    /** [n] IMPLICIT on a primitive value (a dNSName in a GeneralName, a key identifier). */
    static byte[] implicitPrimitive(int tag, byte[] content) {
        return tagged(0x80 | tag, content);
    }

    static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
