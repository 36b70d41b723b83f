package io.kubeexec.pi.kube;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Go's {@code x509.Certificate.VerifyHostname}, which kubectl relies on: an IP address must be one of the
 * certificate's IP SANs, a host name must match one of its DNS SANs (case-insensitively, a trailing dot ignored,
 * a {@code *} only as the whole leftmost label and standing for exactly one label). The subject's CN is not used.
 */
final class HostnameVerifier {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private HostnameVerifier() {
    }

    static void verify(String name, X509Certificate cert) throws CertificateException {
        String host = name;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateException("x509: cannot read the certificate's subject alternative names", e);
        }
        List<String> valid = new ArrayList<>();
        byte[] ip = ipLiteral(host);
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1));
                if (type == IP_ADDRESS) {
                    valid.add(value);
                    if (ip != null && Arrays.equals(ip, ipLiteral(value))) {
                        return;
                    }
                } else if (type == DNS_NAME) {
                    valid.add(value);
                    if (ip == null && matches(value, host)) {
                        return;
                    }
                }
            }
        }
        if (valid.isEmpty()) {
            throw new CertificateException("x509: certificate is not valid for any names, but wanted to match " + host);
        }
        throw new CertificateException("x509: certificate is valid for " + String.join(", ", valid) + ", not " + host);
    }

    static boolean matches(String pattern, String host) {
        String p = trimDot(pattern.toLowerCase(Locale.ROOT));
        String h = trimDot(host.toLowerCase(Locale.ROOT));
        if (p.isEmpty() || h.isEmpty()) {
            return false;
        }
        String[] pl = p.split("\\.", -1);
        String[] hl = h.split("\\.", -1);
        if (pl.length != hl.length) {
            return false;
        }
        for (int i = 0; i < pl.length; i++) {
            if (i == 0 && pl[i].equals("*") && !hl[i].isEmpty()) {
                continue;
            }
            if (!pl[i].equals(hl[i])) {
                return false;
            }
        }
        return true;
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** The address of an IPv4/IPv6 literal, or null for a host name (no DNS lookup ever happens here). */
    static byte[] ipLiteral(String s) {
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.%a-zA-Z]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
