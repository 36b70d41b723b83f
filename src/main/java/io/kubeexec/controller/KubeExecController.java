package io.kubeexec.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeexec.controller.config.CommandLine;
import io.kubeexec.controller.config.ControllerConfiguration;
import io.kubeexec.controller.kube.KubernetesClients;
import io.kubeexec.controller.config.InvalidSettingException;
import io.kubeexec.controller.config.Settings;
import io.kubeexec.controller.health.ShutdownDelay;
import io.kubeexec.controller.logging.LogThresholds;
import io.kubeexec.controller.tls.ClientCertificateTrust;
import io.kubeexec.controller.tls.PemKeyStore;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;

/** Starts the controller: reads and checks the flags, then runs the Camel application with the YAML routes. */
public final class KubeExecController {

    private static final String PBE_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";

    private KubeExecController() {
    }

    public static void main(String[] args) throws Exception {
        // PKCS#12 encrypts a key entry with 10 000 rounds of PBKDF2, about 0.4 s of CPU in a cold JVM. The key stores
        // here (fabric8's, for a kubeconfig's client certificate) live in memory only, where it protects nothing.
        if (System.getProperty(PBE_ROUNDS) == null) {
            System.setProperty(PBE_ROUNDS, "1");
        }
        Properties defaults = defaults();
        Settings settings;
        try {
            settings = Settings.from(CommandLine.resolve(args, System.getenv(), defaults), System.getenv());
            if (!settings.selfManagedCertificates()) {
                PemKeyStore.load(settings.certPath(), settings.keyPath());
            }
            settings.clientCaPath().ifPresent(ClientCertificateTrust::load);
            checkPortsAreFree(settings);
        } catch (CommandLine.HelpRequested help) {
            System.out.print(CommandLine.usage(defaults));
            return;
        } catch (InvalidSettingException | IllegalArgumentException e) {
            System.err.println("kube-exec-controller: " + e.getMessage());
            System.exit(2);
            return;
        }
        LogThresholds.setLevel(settings.logLevel());
        // Readiness waits for the routes and for the API server's first answer through this client. Its build
        // (kubeconfig, fabric8, its HTTP client: ~0.7 s of CPU) starts here, beside all of Camel's set-up.
        KubernetesClient client = KubernetesClients.start(settings.apiServer());
        // Undertow's XNIO registers MBeans as the listener starts, which builds the platform MBean server: about 0.1 s
        // of class loading on the start's critical path. Built on another core meanwhile, it is there when needed.
        Thread mbeanServer = new Thread(ManagementFactory::getPlatformMBeanServer, "platform-mbean-server");
        mbeanServer.setDaemon(true);
        mbeanServer.start();
        // No class scanning: the routes are the YAML files, the beans come from ControllerConfiguration.
        Main main = new Main();
        main.configure().addConfiguration(new ControllerConfiguration(settings, client));
        main.addMainListener(new ShutdownDelay(settings.shutdownDelay()));
        settings.camelProperties().forEach(main::addOverrideProperty);
        try {
            main.run();
        } catch (Exception e) {
            // Typically a route file an operator edited (-routes-dir): Camel's message names file, line and column.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                if (root instanceof InvalidSettingException) {
                    break;
                }
                root = root.getCause();
            }
            if (root instanceof InvalidSettingException) {
                // A flag that only the loaded routes can check (-routes-exclude): one line, like any invalid flag.
                System.err.println("kube-exec-controller: " + root.getMessage());
                System.exit(2);
            }
            System.err.println("kube-exec-controller: cannot start: " + e.getMessage()
                    + (root != e ? " (" + root.getMessage() + ")" : ""));
            System.exit(1);
        }
        System.exit(main.getExitCode());
    }

    static Properties defaults() {
        Properties properties = new Properties();
        try (InputStream in = KubeExecController.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** Undertow only logs a busy port and Camel still says "started"; fail clearly before that can happen. */
    private static void checkPortsAreFree(Settings settings) {
        checkPortIsFree(settings.bindAddress(), settings.port(), "-port, -bind-address");
        checkPortIsFree(settings.healthBindAddress(), settings.healthPort(), "-health-port, -health-bind-address");
    }

    private static void checkPortIsFree(String address, int port, String flags) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        } catch (IOException e) {
            throw new InvalidSettingException("cannot listen on " + address + ":" + port + " (" + flags + "): "
                    + e.getMessage());
        }
    }
}
