package io.kubeexec.controller.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flags as Go's flag package reads them, layered over the environment and application.properties, then validated. */
class CommandLineTest {

    /** The shipped defaults, so these tests also prove application.properties and the flags agree. */
    static Properties shippedDefaults() {
        Properties properties = new Properties();
        try (InputStream in = CommandLineTest.class.getResourceAsStream("/application.properties")) {
            assertThat(in).as("application.properties on the classpath").isNotNull();
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static Map<Flag, String> parse(String commandLine) {
        return CommandLine.parseFlags(commandLine.isBlank() ? new String[0] : commandLine.split(" "));
    }

    @ParameterizedTest(name = "\"{0}\" sets -{1} to \"{2}\"")
    @CsvSource(delimiter = '|', textBlock = """
            -port 9443                               | port                | 9443
            --port 9443                              | port                | 9443
            -port=9443                               | port                | 9443
            --port=9443                              | port                | 9443
            -ttl-seconds 0                           | ttl-seconds         | 0
            -ttl-seconds -5                          | ttl-seconds         | -5
            --namespace-allowlist=kube-system,infra  | namespace-allowlist | kube-system,infra
            -api-server=https://10.0.0.1:6443/?a=b   | api-server          | https://10.0.0.1:6443/?a=b
            -log-level=                              | log-level           | ''
            -dry-run                                 | dry-run             | true
            --dry-run                                | dry-run             | true
            -dry-run=false                           | dry-run             | false
            --evict-bare-pods=true                   | evict-bare-pods     | true
            -evict-bare-pods                         | evict-bare-pods     | true
            -evict-bare-pods=false                   | evict-bare-pods     | false
            -leader-elect                            | leader-elect        | true
            -scan-interval 1m30s                     | scan-interval       | 1m30s
            """)
    void readsOneOrTwoDashesWithTheValueAfterAnEqualsSignOrAsTheNextArgument(String args, String flag, String value) {
        assertThat(parse(args)).containsEntry(Flag.byName(flag).orElseThrow(), value);
    }

    @Test
    void readsSeveralFlagsAndABareBooleanBetweenThem() {
        assertThat(parse("-cert-path /tls/tls.crt --dry-run -key-path=/tls/tls.key --port 8443")).isEqualTo(Map.of(
                Flag.CERT_PATH, "/tls/tls.crt",
                Flag.DRY_RUN, "true",
                Flag.KEY_PATH, "/tls/tls.key",
                Flag.PORT, "8443"));
    }

    @Test
    void theLastOccurrenceOfAFlagWins() {
        assertThat(parse("-port 1 --port=2")).containsEntry(Flag.PORT, "2");
    }

    @ParameterizedTest(name = "\"{0}\" is refused with: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -nope                 | flag provided but not defined: -nope (see --help)
            --nope=1              | flag provided but not defined: -nope (see --help)
            -Port 8443            | flag provided but not defined: -Port (see --help)
            -port                 | flag needs an argument: -port
            --cert-path           | flag needs an argument: -cert-path
            -dry-run -ttl-seconds | flag needs an argument: -ttl-seconds
            8443                  | unexpected argument "8443": flags look like -port 8443
            -port 8443 extra      | unexpected argument "extra": flags look like -port 8443
            -                     | unexpected argument "-": flags look like -port 8443
            --                    | unexpected argument "--": flags look like -port 8443
            """)
    void refusesWhatTheFlagPackageRefusesWithOneLine(String args, String message) {
        assertThatThrownBy(() -> parse(args))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "\"{0}\" asks for help")
    @ValueSource(strings = {"-h", "--h", "-help", "--help", "-port 8443 --help", "--help -nope"})
    void helpIsRecognisedWithOneOrTwoDashes(String args) {
        assertThatThrownBy(() -> parse(args)).isInstanceOf(CommandLine.HelpRequested.class);
    }

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariableAndShippedDefault() {
        String usage = CommandLine.usage(shippedDefaults());

        for (Flag flag : Flag.values()) {
            assertThat(usage).contains("-" + flag.flagName()).contains(flag.envName()).contains(flag.usage());
        }
        assertThat(usage)
                .contains("  -port value\n")
                .contains("  -dry-run\n")
                .contains("(default 8443)")
                .contains("(default 600)")
                .contains("(default 500)")
                .contains("(default info)")
                .contains("(default 5s)")
                .contains("(default deny)");
    }

    @ParameterizedTest(name = "-{0} is also read from {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ttl-seconds         | KEC_TTL_SECONDS
            cert-path           | KEC_CERT_PATH
            namespace-allowlist | KEC_NAMESPACE_ALLOWLIST
            dry-run             | KEC_DRY_RUN
            """)
    void everyFlagHasAnEnvironmentVariableNamedAfterIt(String flag, String env) {
        assertThat(Flag.byName(flag).orElseThrow().envName()).isEqualTo(env);
    }

    @Test
    void everyFlagHasAShippedProperty() {
        Properties defaults = shippedDefaults();
        for (Flag flag : Flag.values()) {
            assertThat(defaults.stringPropertyNames()).as("application.properties").contains(flag.flagName());
        }
    }

    @Test
    void theOriginalsNineFlagsAreAllThere() {
        for (String name : List.of("api-server", "cert-path", "key-path", "extend-chan-size", "interact-chan-size",
                "log-level", "namespace-allowlist", "port", "ttl-seconds")) {
            assertThat(Flag.byName(name)).as(name).isPresent();
        }
    }

    @ParameterizedTest(name = "flag ''{0}'', env ''{1}'', property ''{2}'' gives {3}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | 2 | 3 | 1
              | 2 | 3 | 2
              |   | 3 | 3
            1 |   | 3 | 1
            1 | 2 |   | 1
              | 2 |   | 2
              |   |   |
            """)
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheProperties(String flag, String env, String property,
            String expected) {
        String[] args = flag == null ? new String[0] : new String[] {"-ttl-seconds", flag};
        Map<String, String> environment = env == null ? Map.of() : Map.of("KEC_TTL_SECONDS", env);
        Properties properties = new Properties();
        if (property != null) {
            properties.setProperty("ttl-seconds", property);
        }

        Map<Flag, String> values = CommandLine.resolve(args, environment, properties);

        assertThat(values.get(Flag.TTL_SECONDS)).isEqualTo(expected);
    }

    @Test
    void unrelatedEnvironmentVariablesAreIgnored() {
        Map<Flag, String> values = CommandLine.resolve(new String[0],
                Map.of("PORT", "1", "TTL_SECONDS", "2", "kec_port", "3"), new Properties());

        assertThat(values).isEmpty();
    }

    /** Settings: each invalid value stops start-up with one line that names the flag. */
    @Nested
    class SettingsTest {

        @TempDir
        Path dir;
        String cert;
        String key;

        @BeforeEach
        void tlsFiles() throws IOException {
            cert = Files.writeString(dir.resolve("tls.crt"), "content is checked by PemKeyStore, not here").toString();
            key = Files.writeString(dir.resolve("tls.key"), "content is checked by PemKeyStore, not here").toString();
        }

        private Settings settings(String... args) {
            List<String> all = new ArrayList<>(List.of("-cert-path", cert, "-key-path", key));
            all.addAll(List.of(args));
            return Settings.from(CommandLine.resolve(all.toArray(String[]::new), Map.of(), shippedDefaults()));
        }

        @Test
        void theShippedDefaultsAreTheOriginalsAndTheSpecs() {
            Settings settings = settings();

            assertThat(settings.port()).isEqualTo(8443);
            assertThat(settings.healthPort()).isEqualTo(8080);
            assertThat(settings.healthBindAddress()).isEqualTo("0.0.0.0");
            assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(10));
            assertThat(settings.interactQueueSize()).isEqualTo(500);
            assertThat(settings.extendQueueSize()).isEqualTo(500);
            assertThat(settings.logLevel()).isEqualTo("info");
            assertThat(settings.namespaceAllowlist()).isEmpty();
            assertThat(settings.apiServer()).isEmpty();
            assertThat(settings.scanInterval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(settings.denyWhenQueueFull()).isTrue();
            assertThat(settings.dryRun()).isFalse();
            assertThat(settings.evictBarePods()).isTrue();
            assertThat(settings.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
            assertThat(settings.keys().prefix()).isEqualTo("box.com/");
            assertThat(settings.maxTtl()).isEqualTo(Duration.ofHours(24));
            assertThat(settings.extensionGroups()).isEmpty();
            assertThat(settings.certPath()).isEqualTo(Path.of(cert));
            assertThat(settings.keyPath()).isEqualTo(Path.of(key));
            assertThat(settings.clientCaPath()).as("mutual TLS is off by default").isEmpty();
            assertThat(settings.controllerNamespace()).isEqualTo(
                    System.getenv().getOrDefault("POD_NAMESPACE", "kube-exec-controller"));
        }

        @Test
        void aClientCaFileTurnsMutualTlsOn() {
            assertThat(settings("-client-ca-path", cert).clientCaPath()).contains(Path.of(cert));
        }

        @Test
        void validValuesAreTakenAsGiven() {
            Settings settings = settings("-port", "1", "-ttl-seconds", "0", "-log-level", "DEBUG",
                    "-namespace-allowlist", " kube-system, infra ,,", "-scan-interval", "100ms",
                    "-on-queue-full", "allow", "-dry-run", "--evict-bare-pods=false", "-max-extension", "2h",
                    "-api-server", "https://10.0.0.1:6443", "-max-ttl", "0s", "-extension-groups", "oncall, sre,");

            assertThat(settings.port()).isEqualTo(1);
            assertThat(settings.ttl()).isZero();
            assertThat(settings.logLevel()).isEqualTo("debug");
            assertThat(settings.namespaceAllowlist()).isEqualTo(Set.of("kube-system", "infra"));
            assertThat(settings.scanInterval()).isEqualTo(Duration.ofMillis(100));
            assertThat(settings.denyWhenQueueFull()).isFalse();
            assertThat(settings.dryRun()).isTrue();
            assertThat(settings.evictBarePods()).isFalse();
            assertThat(settings.maxExtension()).isEqualTo(Duration.ofHours(2));
            assertThat(settings.apiServer()).isEqualTo("https://10.0.0.1:6443");
            assertThat(settings.maxTtl()).isZero();
            assertThat(settings.extensionGroups()).isEqualTo(Set.of("oncall", "sre"));
        }

        @Test
        void thePortCanBeAsHighAs65535() {
            assertThat(settings("-port", "65535").port()).isEqualTo(65535);
        }

        @ParameterizedTest(name = "-{0} {1} stops start-up with: {2}")
        @CsvSource(delimiter = '|', textBlock = """
                ttl-seconds        | -1      | invalid value "-1" for -ttl-seconds: must not be negative
                ttl-seconds        | ten     | invalid value "ten" for -ttl-seconds: must be a whole number
                ttl-seconds        | 10m     | invalid value "10m" for -ttl-seconds: must be a whole number
                log-level          | verbose | invalid value "verbose" for -log-level: must be one of debug, info, warn, error
                log-level          | ''      | invalid value "" for -log-level: must be one of debug, info, warn, error
                port               | 0       | invalid value "0" for -port: must be between 1 and 65535
                port               | 65536   | invalid value "65536" for -port: must be between 1 and 65535
                port               | -1      | invalid value "-1" for -port: must be between 1 and 65535
                port               | https   | invalid value "https" for -port: must be a whole number
                health-port        | 8443    | invalid value "8443" for -health-port: must differ from -port: the webhook port serves only the webhooks
                health-port        | 0       | invalid value "0" for -health-port: must be between 1 and 65535
                interact-chan-size | 0       | invalid value "0" for -interact-chan-size: must be between 1 and 1000000
                extend-chan-size   | many    | invalid value "many" for -extend-chan-size: must be a whole number
                on-queue-full      | queue   | invalid value "queue" for -on-queue-full: must be deny or allow
                on-queue-full      | Deny    | invalid value "Deny" for -on-queue-full: must be deny or allow
                scan-interval      | 50ms    | invalid value "50ms" for -scan-interval: must be at least 100ms
                scan-interval      | -5s     | invalid value "-5s" for -scan-interval: must be at least 100ms
                dry-run            | yes     | invalid value "yes" for -dry-run: must be true or false
                api-server         | 10.0.0.1:6443 | invalid value "10.0.0.1:6443" for -api-server: must be an http(s) URL
                max-extension      | -1h     | invalid value "-1h" for -max-extension: must not be negative
                max-ttl            | -1h     | invalid value "-1h" for -max-ttl: must not be negative
                max-ttl            | 5m      | invalid value "5m" for -max-ttl: must not be below -ttl-seconds (600s)
                """)
        void anInvalidValueStopsStartUpWithOneLineNamingTheFlag(String flag, String value, String message) {
            assertThatThrownBy(() -> settings("-" + flag + "=" + value))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage(message)
                    .hasMessageNotContaining("\n");
        }

        @ParameterizedTest(name = "-scan-interval {0} is refused as not a Go duration")
        @ValueSource(strings = {"5", "5 seconds", "1d", "abc", ""})
        void aScanIntervalThatIsNotAGoDurationIsRefusedNamingTheFlagAndGosReason(String value) {
            assertThatThrownBy(() -> settings("-scan-interval", value))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("invalid value \"" + value + "\" for -scan-interval: must be a Go duration")
                    .hasMessageContaining("time: ")
                    .hasMessageNotContaining("\n");
        }

        @ParameterizedTest(name = "a missing -{0} stops start-up")
        @CsvSource(delimiter = '|', textBlock = """
                cert-path | -cert-path is required (or KEC_CERT_PATH)
                key-path  | -key-path is required (or KEC_KEY_PATH)
                """)
        void aMissingCertificateOrKeyStopsStartUpNamingTheFlag(String flag, String message) {
            Map<Flag, String> values = CommandLine.resolve(
                    new String[] {"-cert-path", cert, "-key-path", key, "-" + flag, ""}, Map.of(), shippedDefaults());

            assertThatThrownBy(() -> Settings.from(values))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage(message);
        }

        @Test
        void withoutAnyTlsFlagsTheCertificateIsReportedMissingFirst() {
            Map<Flag, String> values = CommandLine.resolve(new String[0], Map.of(), shippedDefaults());

            assertThatThrownBy(() -> Settings.from(values))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage("-cert-path is required (or KEC_CERT_PATH)");
        }

        @Test
        void inAPodTheNamespacesDefaultToThePodsOwnAndTheFlagsStillWin() {
            String[] files = {"-cert-path", cert, "-key-path", key};
            Map<String, String> pod = Map.of("POD_NAMESPACE", "ops");

            Settings inPod = Settings.from(CommandLine.resolve(files, pod, shippedDefaults()), pod);
            Settings outside = Settings.from(CommandLine.resolve(files, Map.of(), shippedDefaults()), Map.of());
            String[] flagged = {"-cert-path", cert, "-key-path", key, "-controller-namespace", "kec",
                "-lease-namespace", "leases"};
            Settings flagsWin = Settings.from(CommandLine.resolve(flagged, pod, shippedDefaults()), pod);

            assertThat(inPod.controllerNamespace()).isEqualTo("ops");
            assertThat(inPod.leaseNamespace()).isEqualTo("ops");
            assertThat(outside.controllerNamespace()).isEqualTo("kube-exec-controller");
            assertThat(outside.leaseNamespace()).isEqualTo("default");
            assertThat(flagsWin.controllerNamespace()).isEqualTo("kec");
            assertThat(flagsWin.leaseNamespace()).isEqualTo("leases");
        }

        @Test
        void withACertificateSecretNoFilesAreNeededAndTheServiceAndWebhookConfigurationDefaultToTheManifests() {
            Settings settings = Settings.from(CommandLine.resolve(new String[0],
                    Map.of("KEC_CERTIFICATE_SECRET", "kube-exec-controller-certificate"), shippedDefaults()));

            assertThat(settings.selfManagedCertificates()).isTrue();
            assertThat(settings.certificateSecret()).isEqualTo("kube-exec-controller-certificate");
            assertThat(settings.certPath()).isNull();
            assertThat(settings.keyPath()).isNull();
            assertThat(settings.webhookConfiguration()).isEqualTo("kube-exec-controller");
            assertThat(settings.serviceName()).isEqualTo("kube-exec-controller");
            assertThat(settings.certificateRefresh()).isEqualTo(Duration.ofSeconds(10));
        }

        @Test
        void withoutACertificateSecretTheFilesAreUsed() {
            assertThat(settings().selfManagedCertificates()).isFalse();
        }

        @ParameterizedTest(name = "-certificate-secret with {0} is refused in one line")
        @ValueSource(strings = {"-cert-path", "-key-path"})
        void aCertificateSecretAndCertificateFilesExcludeEachOther(String flag) {
            assertThatThrownBy(() -> Settings.from(CommandLine.resolve(
                    new String[] {"-certificate-secret", "kube-exec-controller-certificate", flag, cert},
                    Map.of(), shippedDefaults())))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage("-certificate-secret and -cert-path/-key-path exclude each other: give the Secret"
                            + " (self-managed certificates) or the two files");
        }

        @ParameterizedTest(name = "-{0} {1} stops start-up with: {2}")
        @CsvSource(delimiter = '|', textBlock = """
                certificate-secret    | Certs!  | invalid value "Certs!" for -certificate-secret: must be a Kubernetes object name (lower-case letters, digits, '-', '.')
                webhook-configuration | ''      | invalid value "" for -webhook-configuration: must be a Kubernetes object name (lower-case letters, digits, '-', '.')
                service-name          | My_Svc  | invalid value "My_Svc" for -service-name: must be a Kubernetes object name (lower-case letters, digits, '-', '.')
                certificate-refresh   | 500ms   | invalid value "500ms" for -certificate-refresh: must be at least 1s
                """)
        void anInvalidSelfManagedCertificateSettingStopsStartUp(String flag, String value, String message) {
            assertThatThrownBy(() -> Settings.from(CommandLine.resolve(
                    new String[] {"-certificate-secret=kec", "-" + flag + "=" + value}, Map.of(), shippedDefaults())))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage(message);
        }

        @ParameterizedTest(name = "-{0} pointing at a missing file or a directory is refused")
        @ValueSource(strings = {"cert-path", "key-path", "client-ca-path"})
        void anUnreadableCertificateOrKeyPathStopsStartUpNamingTheFlag(String flag) {
            String missing = dir.resolve("absent.pem").toString();
            assertThatThrownBy(() -> settings("-" + flag, missing))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage("invalid value \"" + missing + "\" for -" + flag + ": is not a readable file");
            assertThatThrownBy(() -> settings("-" + flag, dir.toString()))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage("invalid value \"" + dir + "\" for -" + flag + ": is not a readable file");
        }

        @Test
        void byDefaultTheRoutesAreTheBuiltInOnesFromTheJarWithoutReload() {
            Settings settings = settings();

            assertThat(settings.routesExclude()).isEmpty();
            assertThat(settings.camelProperties())
                    .containsEntry("camel.main.routes-include-pattern", "classpath:routes/*.camel.yaml")
                    .containsEntry("camel.main.routes-reload-enabled", "false")
                    .doesNotContainKey("camel.main.routes-reload-directory");
        }

        @Test
        void theExtraRoutesDirectoryIsLoadedAfterTheBuiltInRoutesAndIsTheOneReloaded() throws IOException {
            Path extra = Files.createDirectory(dir.resolve("extra"));
            Settings settings = settings("-routes-extra-dir", extra.toString(), "-routes-reload",
                    "-routes-exclude", " record-interaction, metrics ,,record-interaction");

            assertThat(settings.routesExclude()).containsExactly("record-interaction", "metrics");
            assertThat(settings.camelProperties())
                    .containsEntry("camel.main.routes-include-pattern",
                            "classpath:routes/*.camel.yaml,file:" + extra + "/*.camel.yaml")
                    .containsEntry("camel.main.routes-reload-enabled", "true")
                    .containsEntry("camel.main.routes-reload-directory", extra.toString())
                    .containsEntry("camel.main.routes-reload-pattern", "*.camel.yaml")
                    // Only the edited file's routes are replaced: the built-in ones are never stopped by a reload.
                    .containsEntry("camel.main.routes-reload-remove-all-routes", "false");
        }

        @Test
        void aRoutesDirectoryReplacesTheBuiltInRoutes() {
            assertThat(settings("-routes-dir", dir.toString()).camelProperties())
                    .containsEntry("camel.main.routes-include-pattern", "file:" + dir + "/*.camel.yaml");
        }

        @ParameterizedTest(name = "-{0} {1} stops start-up with: {2}")
        @CsvSource(delimiter = '|', textBlock = """
                routes-extra-dir | /no/such/dir    | invalid value "/no/such/dir" for -routes-extra-dir: is not a directory
                routes-dir       | /no/such/dir    | invalid value "/no/such/dir" for -routes-dir: is not a directory
                routes-exclude   | 'admit*'        | invalid value "admit*" for -routes-exclude: "admit*" is not a route id (letters, digits, '.', '_', '-')
                routes-reload    | true            | invalid value "true" for -routes-reload: needs -routes-extra-dir or -routes-dir (the routes in the jar cannot change)
                routes-reload    | sometimes       | invalid value "sometimes" for -routes-reload: must be true or false
                """)
        void anInvalidRoutesFlagStopsStartUpWithOneLine(String flag, String value, String message) {
            assertThatThrownBy(() -> settings("-" + flag + "=" + value))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage(message);
        }

        @Test
        void theCertificateCanComeFromTheEnvironment() {
            Settings settings = Settings.from(CommandLine.resolve(new String[] {"-key-path", key},
                    Map.of("KEC_CERT_PATH", cert, "KEC_TTL_SECONDS", "120"), shippedDefaults()));

            assertThat(settings.certPath()).isEqualTo(Path.of(cert));
            assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(2));
        }
    }
}
