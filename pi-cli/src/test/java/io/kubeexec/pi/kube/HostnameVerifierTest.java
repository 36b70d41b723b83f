package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Host names checked as Go's crypto/x509 checks them for kubectl. */
class HostnameVerifierTest {

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
        "api.example.com, api.example.com, true",
        "API.Example.com, api.example.COM, true",
        // A SAN with a trailing dot is no valid pattern: since Go 1.16 it only matches itself.
        "api.example.com., api.example.com, false",
        "api.example.com., api.example.com., true",
        "api.example.com, api.example.com., true",
        // A bare * is no valid pattern either (it matched any one-label host before Go 1.16).
        "*, localhost, false",
        "*, kubernetes, false",
        "*.com, example.com, true",
        "_svc.example.com, _svc.example.com, true",
        "-a.example.com, -a.example.com, true",
        "*.example.com, api.example.com, true",
        "*.example.com, a.b.example.com, false",
        "*.example.com, example.com, false",
        "a*.example.com, ab.example.com, false",
        "api.*.com, api.example.com, false",
        "api.example.com, api.example.org, false",
        "kubernetes, kubernetes, true",
        "kubernetes, kubernetes.default, false",
    })
    void dnsNames(String pattern, String host, boolean matches) {
        assertThat(HostnameVerifier.matches(pattern, host)).isEqualTo(matches);
    }

    @Test
    void theTrainingServerCertificateHoldsItsIpAndNameButNothingElse() throws Exception {
        X509Certificate cert;
        try (InputStream in = getClass().getResourceAsStream("/training/server.pem")) {
            cert = Pem.certificates(in.readAllBytes(), "server").get(0);
        }

        assertThatCode(() -> HostnameVerifier.verify("127.0.0.1", cert)).doesNotThrowAnyException();
        assertThatCode(() -> HostnameVerifier.verify("localhost", cert)).doesNotThrowAnyException();
        assertThatThrownBy(() -> HostnameVerifier.verify("127.0.0.2", cert))
                .hasMessage("x509: certificate is valid for 127.0.0.1, localhost, not 127.0.0.2");
        assertThatThrownBy(() -> HostnameVerifier.verify("kubectl-pi-training-server", cert))
                .as("the CN is not a name").hasMessageContaining("not kubectl-pi-training-server");
        assertThatThrownBy(() -> HostnameVerifier.verify("[::1]", cert)).hasMessageContaining("not ::1");
    }

    @Test
    void aCertificateWithoutNamesMatchesNothing() throws Exception {
        X509Certificate cert = Pem.certificates(PemTest.read("rsa.crt"), "c").get(0);

        assertThatThrownBy(() -> HostnameVerifier.verify("rsa-test", cert))
                .hasMessage("x509: certificate is not valid for any names, but wanted to match rsa-test");
    }
}
