package io.kubeexec.controller.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs openssl in a directory, as an operator or cert-manager would make key pairs; fails the test if it fails. */
public final class Openssl {

    private final Path dir;

    public Openssl(Path dir) {
        this.dir = dir;
    }

    public void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        Collections.addAll(command, args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(process.exitValue()).as("openssl %s%n%s", String.join(" ", args), output).isZero();
    }

    /** A CA: a new P-256 key in {@code key}, its self-signed CA certificate for {@code cn} in {@code cert}. */
    public void certificateAuthority(String cn, String cert, String key) throws IOException, InterruptedException {
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", cert, "-subj", "/CN=" + cn, "-days", "2", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** A client certificate for {@code cn} signed by the CA in {@code caCert}/{@code caKey}, as the API server's. */
    public void clientCertificate(String caCert, String caKey, String cn, String cert, String key)
            throws IOException, InterruptedException {
        run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", cert + ".csr", "-subj", "/CN=" + cn);
        java.nio.file.Files.writeString(dir.resolve(cert + ".ext"),
                "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        run("x509", "-req", "-in", cert + ".csr", "-CA", caCert, "-CAkey", caKey, "-CAcreateserial",
                "-out", cert, "-days", "2", "-extfile", cert + ".ext");
    }

    /** A new RSA key in {@code key} and a self-signed certificate for {@code cn} in {@code cert}. */
    public void selfSigned(String cn, String cert, String key) throws IOException, InterruptedException {
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=" + cn,
                "-days", "2");
    }
}
