package io.kubeexec.controller.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Loading the webhook's PEM certificate and key, in every form openssl and cert-manager write them. */
class PemKeyStoreTest {

    @TempDir
    Path dir;

    private void openssl(String... args) throws IOException, InterruptedException {
        new Openssl(dir).run(args);
    }

    /** A self-signed certificate for key.pem (which must exist), written to cert.pem. */
    private void selfSign() throws IOException, InterruptedException {
        openssl("req", "-x509", "-new", "-key", "key.pem", "-subj", "/CN=kube-exec-controller.test", "-days", "2",
                "-out", "cert.pem");
    }

    private void rsaPkcs8() throws Exception {
        new Openssl(dir).selfSigned("kube-exec-controller.test", "cert.pem", "key.pem");
    }

    private void rsaPkcs1() throws Exception {
        rsaPkcs8();
        openssl("rsa", "-in", "key.pem", "-traditional", "-out", "pkcs1.pem");
        Files.move(dir.resolve("pkcs1.pem"), dir.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
    }

    private void ecSec1() throws Exception {
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "key.pem");
        selfSign();
    }

    private void ecPkcs8() throws Exception {
        ecSec1();
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-out", "pkcs8.pem");
        Files.move(dir.resolve("pkcs8.pem"), dir.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
    }

    private void ecSec1WithParameters() throws Exception {
        // Without -noout, openssl writes an "EC PARAMETERS" block before the key, as many guides do.
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", "key.pem");
        selfSign();
    }

    private void rsaKeyAndCertificateInOneFile() throws Exception {
        rsaPkcs8();
        Files.writeString(dir.resolve("key.pem"),
                Files.readString(dir.resolve("cert.pem")) + Files.readString(dir.resolve("key.pem")));
    }

    interface KeyMaker {
        void make(PemKeyStoreTest test) throws Exception;
    }

    static Stream<Arguments> keyForms() {
        return Stream.of(
                arguments("an RSA key in PKCS#8 (openssl req -newkey rsa:2048 -nodes)", "BEGIN PRIVATE KEY",
                        (KeyMaker) PemKeyStoreTest::rsaPkcs8, "RSA", "SHA256withRSA"),
                arguments("an RSA key in PKCS#1 (openssl rsa -traditional)", "BEGIN RSA PRIVATE KEY",
                        (KeyMaker) PemKeyStoreTest::rsaPkcs1, "RSA", "SHA256withRSA"),
                arguments("an EC key in SEC1 (openssl ecparam -genkey -noout)", "BEGIN EC PRIVATE KEY",
                        (KeyMaker) PemKeyStoreTest::ecSec1, "EC", "SHA256withECDSA"),
                arguments("an EC key in SEC1 after its EC PARAMETERS block", "BEGIN EC PARAMETERS",
                        (KeyMaker) PemKeyStoreTest::ecSec1WithParameters, "EC", "SHA256withECDSA"),
                arguments("an EC key in PKCS#8 (openssl pkcs8 -topk8 -nocrypt)", "BEGIN PRIVATE KEY",
                        (KeyMaker) PemKeyStoreTest::ecPkcs8, "EC", "SHA256withECDSA"),
                arguments("an RSA key in a file that also holds the certificate", "BEGIN CERTIFICATE",
                        (KeyMaker) PemKeyStoreTest::rsaKeyAndCertificateInOneFile, "RSA", "SHA256withRSA"));
    }

    @ParameterizedTest(name = "{0} loads as a key entry with its certificate")
    @MethodSource("keyForms")
    void loadsAKeyEntryWhoseCertificateMatchesTheFile(String form, String header, KeyMaker maker, String algorithm,
            String signatureAlgorithm) throws Exception {
        maker.make(this);
        assertThat(Files.readString(dir.resolve("key.pem"))).as("the key openssl wrote").contains(header);

        KeyStore store = PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("key.pem"));

        List<String> keyAliases = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                keyAliases.add(alias);
            }
        }
        assertThat(keyAliases).hasSize(1);
        String alias = keyAliases.get(0);
        X509Certificate expected = certificateFile();
        Certificate[] chain = store.getCertificateChain(alias);
        assertThat(chain).isNotEmpty();
        assertThat(chain[0]).isEqualTo(expected);
        Key key = store.getKey(alias, PemKeyStore.PASSWORD);
        assertThat(key).isInstanceOf(PrivateKey.class);
        assertThat(key.getAlgorithm()).isEqualTo(algorithm);
        assertThat(signsForCertificate((PrivateKey) key, expected, signatureAlgorithm))
                .as("the private key belongs to the certificate").isTrue();
    }

    @Test
    void loadsTheWholeChainOfACertificateBundle() throws Exception {
        rsaPkcs8();
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-subj", "/CN=test-ca", "-days", "2");
        openssl("req", "-new", "-key", "key.pem", "-subj", "/CN=kube-exec-controller.test", "-out", "leaf.csr");
        openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-out", "leaf.pem");
        Files.writeString(dir.resolve("chain.pem"),
                Files.readString(dir.resolve("leaf.pem")) + Files.readString(dir.resolve("ca.pem")));

        KeyStore store = PemKeyStore.load(dir.resolve("chain.pem"), dir.resolve("key.pem"));

        String alias = Collections.list(store.aliases()).stream().filter(a -> isKeyEntry(store, a)).findFirst()
                .orElseThrow();
        Certificate[] chain = store.getCertificateChain(alias);
        assertThat(chain).hasSize(2);
        assertThat(((X509Certificate) chain[0]).getSubjectX500Principal().getName())
                .isEqualTo("CN=kube-exec-controller.test");
        assertThat(((X509Certificate) chain[1]).getSubjectX500Principal().getName()).isEqualTo("CN=test-ca");
    }

    @Test
    void anEncryptedPkcs8KeyIsRefusedWithAClearMessage() throws Exception {
        rsaPkcs8();
        openssl("pkcs8", "-topk8", "-in", "key.pem", "-passout", "pass:secret", "-out", "encrypted.pem");
        assertThat(Files.readString(dir.resolve("encrypted.pem"))).contains("BEGIN ENCRYPTED PRIVATE KEY");

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("encrypted.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir.resolve("encrypted.pem") + " holds an encrypted private key; give an unencrypted one");
    }

    @Test
    void anEncryptedTraditionalRsaKeyIsRefusedWithAClearMessage() throws Exception {
        rsaPkcs8();
        openssl("rsa", "-in", "key.pem", "-traditional", "-aes256", "-passout", "pass:secret",
                "-out", "encrypted.pem");
        assertThat(Files.readString(dir.resolve("encrypted.pem"))).contains("Proc-Type: 4,ENCRYPTED");

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("encrypted.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encrypted private key");
    }

    @Test
    void aKeyFileThatIsNotPemIsRefusedWithAClearMessage() throws Exception {
        rsaPkcs8();
        openssl("pkey", "-in", "key.pem", "-outform", "DER", "-out", "key.der");

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("key.der")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir.resolve("key.der") + " holds no PEM private key (PKCS#1, PKCS#8 or EC)");
    }

    @Test
    void aCertificateGivenAsTheKeyIsRefusedWithAClearMessage() throws Exception {
        rsaPkcs8();

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("cert.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir.resolve("cert.pem") + " holds no PEM private key (PKCS#1, PKCS#8 or EC)");
    }

    @Test
    void aCertificateFileThatIsNotPemIsRefusedWithAClearMessage() throws Exception {
        rsaPkcs8();
        Path text = Files.writeString(dir.resolve("cert.txt"), "this is not a certificate\n");

        assertThatThrownBy(() -> PemKeyStore.load(text, dir.resolve("key.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(text + " holds no PEM certificate");
    }

    @Test
    void aMissingFileIsRefusedWithAClearMessage() throws Exception {
        rsaPkcs8();
        Path absent = dir.resolve("absent.pem");

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("cert.pem"), absent))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read TLS files:")
                .hasMessageContaining(absent.toString());
    }

    @Test
    void aCorruptKeyIsRefusedNamingBothFiles() throws Exception {
        rsaPkcs8();
        Path corrupt = Files.writeString(dir.resolve("corrupt.pem"),
                "-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("cert.pem"), corrupt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot load the TLS key pair from " + dir.resolve("cert.pem") + " and "
                        + corrupt);
    }

    private X509Certificate certificateFile() throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static boolean signsForCertificate(PrivateKey key, X509Certificate certificate, String algorithm)
            throws Exception {
        byte[] data = "kube-exec-controller".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        return verifier.verify(signature);
    }

    private static boolean isKeyEntry(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCertificateForAnotherKeyIsRefusedNamingBothFiles() throws Exception {
        Openssl openssl = new Openssl(dir);
        openssl.selfSigned("first.test", "first.crt", "first.key");
        openssl.selfSigned("second.test", "second.crt", "second.key");

        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("second.crt"), dir.resolve("first.key")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the certificate in " + dir.resolve("second.crt") + " is not for the private key in "
                        + dir.resolve("first.key"));
    }
}
