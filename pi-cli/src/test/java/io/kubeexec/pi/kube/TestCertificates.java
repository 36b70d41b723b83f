package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Certificates made by openssl in a test's directory: a CA ({@code ca.crt}) and server certificates it signs. */
final class TestCertificates {

    private final Path dir;

    TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                "-out", "ca.crt", "-subj", "/CN=kubectl-pi-test-ca", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    }

    Path ca() {
        return dir.resolve("ca.crt");
    }

    /** {@code name}.crt and {@code name}.key: a server certificate for {@code cn} with these SANs (or none). */
    void server(String name, String cn, String sans) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + cn);
        Files.writeString(dir.resolve(name + ".ext"),
                "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
                        + (sans == null ? "" : "subjectAltName=" + sans + "\n"));
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    X509Certificate certificate(String name) throws Exception {
        return Pem.certificates(Files.readAllBytes(dir.resolve(name + ".crt")), name).get(0);
    }

    /** A server-side TLS context presenting {@code name}'s certificate. */
    SSLContext serverContext(String name) throws Exception {
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers(name), null, null);
        return server;
    }

    /** Key managers presenting {@code name}'s certificate. */
    KeyManager[] keyManagers(String name) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", Pem.privateKey(Files.readAllBytes(dir.resolve(name + ".key")), "key"), new char[0],
                new X509Certificate[] {certificate(name)});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        return kmf.getKeyManagers();
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s%n%s", String.join(" ", args), output).isZero();
    }
}
