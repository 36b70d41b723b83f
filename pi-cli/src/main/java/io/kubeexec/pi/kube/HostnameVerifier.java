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

/**
 * Go's {@code x509.Certificate.VerifyHostname} (Go 1.16 and later, which kubectl is built with): an IP address must
 * be one of the certificate's IP SANs, a host name must match one of its DNS SANs (case-insensitively for ASCII, a
 * trailing dot on the host ignored, a {@code *} only as the whole leftmost label of a name of two labels or more and
 * standing for exactly one label). A SAN or host that is not a valid host name (a bare {@code *}, a partial wildcard,
 * a Unicode name, a trailing dot on the SAN) only matches itself exactly. The subject's CN is never used.
 * HostnameVerifierDifferentialTest compares this with the JDK's own HTTPS identification, difference by difference.
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
        String candidate = lowerAscii(host);
        if (validHostname(candidate, false) && validHostname(pattern, true)) {
            return matchHostnames(lowerAscii(pattern), trimDot(candidate));
        }
        return !pattern.isEmpty() && !pattern.equals(".") && !candidate.isEmpty() && !candidate.equals(".")
                && lowerAscii(pattern).equals(candidate);
    }

    private static boolean matchHostnames(String pattern, String host) {
        if (pattern.isEmpty() || host.isEmpty()) {
            return false;
        }
        String[] pl = pattern.split("\\.", -1);
        String[] hl = host.split("\\.", -1);
        if (pl.length != hl.length) {
            return false;
        }
        for (int i = 0; i < pl.length; i++) {
            if (i == 0 && pl[i].equals("*")) {
                continue;
            }
            if (!pl[i].equals(hl[i])) {
                return false;
            }
        }
        return true;
    }

    /** Go's validHostname: letters, digits, '-' (not first), '_'; a whole-label '*' first in a pattern. */
    private static boolean validHostname(String name, boolean pattern) {
        String host = pattern ? name : trimDot(name);
        if (host.isEmpty() || host.equals("*")) {
            return false;
        }
        String[] labels = host.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (label.isEmpty()) {
                return false;
            }
            if (pattern && i == 0 && label.equals("*")) {
                continue;
            }
            for (int j = 0; j < label.length(); j++) {
                char c = label.charAt(j);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || (c == '-' && j != 0) || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String lowerAscii(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
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
