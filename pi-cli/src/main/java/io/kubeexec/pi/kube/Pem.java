package io.kubeexec.pi.kube;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sun.security.util.DerInputStream;
import sun.security.util.DerValue;

/**
 * Reads the PEM a kubeconfig holds, as client-go does: certificate bundles and unencrypted private keys in PKCS#8,
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) form, the last two with the JDK's DER decoder
 * ({@code sun.security.util}, which the jar's manifest exports to the plugin).
 */
public final class Pem {

    /** One PEM block: its type (e.g. {@code CERTIFICATE}), then its base64 text and any RFC 1421 headers. */
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([^-\\r\\n]+)-----(.*?)-----END \\1-----",
            Pattern.DOTALL);

    private Pem() {
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(byte[] pem) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(2).contains("Proc-Type:") || m.group(2).contains("DEK-Info:")) {
                throw new IllegalArgumentException("encrypted PEM private keys are not supported");
            }
            blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return blocks;
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
                        return KeyFactory.getInstance("RSA").generatePrivate(pkcs1(b.der()));
                    case "EC PRIVATE KEY":
                        return KeyFactory.getInstance("EC").generatePrivate(sec1(b.der()));
                    case "ENCRYPTED PRIVATE KEY":
                        throw new IllegalArgumentException("encrypted private keys are not supported");
                    default:
                        // e.g. "EC PARAMETERS" before the key: skip
                }
            }
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        } catch (IllegalAccessError e) { // run without the jar's manifest, which exports sun.security.util to us
            throw new IllegalArgumentException(what + ": this Java does not let kubectl pi read PKCS#1 and SEC1 keys "
                    + "(run it with --add-exports java.base/sun.security.util=ALL-UNNAMED): " + e, e);
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

    /** PKCS#1 RSAPrivateKey, read with the JDK's own DER decoder: version, n, e, d, p, q, dp, dq, qinv. */
    private static RSAPrivateCrtKeySpec pkcs1(byte[] der) throws IOException {
        DerInputStream in = new DerValue(der).getData();
        in.getBigInteger(); // version
        return new RSAPrivateCrtKeySpec(in.getBigInteger(), in.getBigInteger(), in.getBigInteger(),
                in.getBigInteger(), in.getBigInteger(), in.getBigInteger(), in.getBigInteger(), in.getBigInteger());
    }

    /** SEC1 ECPrivateKey: version, the private key, then the named curve as its [0] parameters. */
    private static ECPrivateKeySpec sec1(byte[] der) throws IOException, GeneralSecurityException {
        DerInputStream in = new DerValue(der).getData();
        in.getBigInteger(); // version
        BigInteger key = new BigInteger(1, in.getOctetString());
        DerValue parameters = in.available() > 0 ? in.getDerValue() : null;
        if (parameters == null || !parameters.isContextSpecific((byte) 0)) {
            throw new IllegalArgumentException("EC private key without curve parameters");
        }
        AlgorithmParameters curve = AlgorithmParameters.getInstance("EC");
        curve.init(new ECGenParameterSpec(parameters.getData().getOID().toString()));
        return new ECPrivateKeySpec(key, curve.getParameterSpec(ECParameterSpec.class));
    }
}
