package io.kubeexec.pi;

import io.kubeexec.contract.GoDuration;
import io.kubeexec.contract.PodKeys;
import io.kubeexec.pi.kube.ConnectionFlags;
import io.kubeexec.pi.kube.Trace;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * {@code kubectl pi}: shows the interaction state the controller keeps on pods and requests extensions of their
 * eviction time. Flags may come before or after the command, as with the original plugin and kubectl.
 *
 * <p>The command line is declared with picocli's programmatic model rather than its annotations: annotation
 * scanning costs a cold JVM well over 100 ms of reflection, more than everything else before the first request.
 */
public final class KubectlPi {

    static final String DEFAULT_DURATION = "30m";
    static final String VERSION = "kubectl-pi 0.1.0";
    /** The controller's environment variable for its -key-prefix, read here too so that one setting serves both. */
    static final String KEY_PREFIX_ENV = "KEC_KEY_PREFIX";

    private KubectlPi() {
    }

    /** The parsed flags, read back from the model; inherited flags share one value wherever they were given. */
    static final class Flags {
        private final CommandSpec root;

        Flags(CommandSpec root) {
            this.root = root;
        }

        String string(String name) {
            return root.findOption(name).getValue();
        }

        boolean bool(String name) {
            Object v = root.findOption(name).getValue();
            return v != null && (Boolean) v;
        }

        String selector() {
            String selector = string("--selector");
            return selector == null || selector.isEmpty() ? null : selector;
        }

        /**
         * The keys of the state the controller keeps on pods: --key-prefix, else KEC_KEY_PREFIX, else box.com/. A
         * prefix the controller would refuse is refused here with the controller's reason.
         */
        PodKeys keys(UnaryOperator<String> env) {
            String flag = string("--key-prefix");
            String prefix = flag != null ? flag : env.apply(KEY_PREFIX_ENV);
            try {
                return prefix == null ? PodKeys.DEFAULT : new PodKeys(prefix.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid value \"" + prefix + "\" for "
                        + (flag != null ? "--key-prefix" : KEY_PREFIX_ENV) + ": " + e.getMessage());
            }
        }

        ConnectionFlags connection() {
            List<String> groups = root.findOption("--as-group").getValue();
            return new ConnectionFlags(string("--kubeconfig"), string("--context"), string("--cluster"),
                    string("--user"), string("--server"), string("--token"), string("--namespace"),
                    string("--certificate-authority"), string("--client-certificate"), string("--client-key"),
                    root.findOption("--insecure-skip-tls-verify").getValue(), string("--tls-server-name"),
                    string("--as"), groups == null ? List.of() : groups, requestTimeout(string("--request-timeout")));
        }
    }

    /**
     * The command tree, {@code kubectl pi [flags] (get | extend | completion) [POD...] [flags]}, for these arguments.
     * Each subcommand costs a cold JVM several milliseconds (picocli copies every inherited flag into it), so only the
     * subcommands the arguments name are built; with none named (help, a typo) all are, so that help and errors list
     * them all, and so are they for {@code completion}, which describes the whole tree.
     */
    static CommandLine commandLine(Io io, String[] args) {
        List<String> named = new ArrayList<>(); // no streams: they cost a cold JVM milliseconds of class loading
        for (String arg : args) {
            named.add(arg.toLowerCase(Locale.ROOT));
        }
        boolean all = !named.contains("get") && !named.contains("extend") || named.contains("completion");
        CommandLine[] self = new CommandLine[1];
        Callable<Integer> noCommand = () -> {
            throw new CommandLine.ParameterException(self[0], "expecting at least one argument");
        };
        CommandSpec root = command("kubectl pi", noCommand).version(VERSION);
        Flags flags = new Flags(root);
        root.usageMessage()
                .header("Get pod interaction info or request an extension of its termination time.")
                .footerHeading("%nExamples:%n")
                .footer(
                        "  # get interaction info of specified pod(s)",
                        "  kubectl pi get <pod-name-1> <pod-name-2> <...> -n POD_NAMESPACE",
                        "",
                        "  # get interaction info of all pods under the given namespace",
                        "  kubectl pi get -n <pod-namespace> --all",
                        "",
                        "  # extend termination time of interacted pod(s)",
                        "  kubectl pi extend -d <duration> <pod-name-1> <pod-name-2> <...> -n POD_NAMESPACE",
                        "",
                        "  # extend termination time of all interacted pods under the given namespace",
                        "  kubectl pi extend -d <duration> -n <pod-namespace> --all");
        root.usageMessage().synopsisSubcommandLabel("(get | extend | completion)");
        root.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        inherited(root, "NS", "If present, the namespace scope for this CLI request", "-n", "--namespace");
        flag(root, "If present, select all pods under specified namespace (and ignore any given pod name)",
                true, "-a", "--all");
        flag(root, "If present, select the pods of all namespaces", true, "-A", "--all-namespaces");
        inherited(root, "SELECTOR", "Selector (label query) to filter on, as kubectl's: -l key1=value1,key2!=value2,"
                + "key3 in (a,b)", "-l", "--selector");
        root.addOption(OptionSpec.builder("-d", "--duration").scopeType(ScopeType.INHERIT).paramLabel("DURATION")
                .type(String.class).defaultValue(DEFAULT_DURATION)
                .description("A relative duration such as 90s, 30m, 1h30m or 1d, default to " + DEFAULT_DURATION)
                .build());
        inherited(root, "PREFIX", "Prefix of the pod label and annotation keys, as the controller's -key-prefix; "
                + "default " + KEY_PREFIX_ENV + " from the environment, else " + PodKeys.DEFAULT_PREFIX,
                "--key-prefix");
        inherited(root, "FILE", "Path to the kubeconfig file to use for CLI requests", "--kubeconfig");
        inherited(root, "NAME", "The name of the kubeconfig context to use", "--context");
        inherited(root, "NAME", "The name of the kubeconfig cluster to use", "--cluster");
        inherited(root, "NAME", "The name of the kubeconfig user to use", "--user");
        inherited(root, "URL", "The address and port of the Kubernetes API server", "-s", "--server");
        inherited(root, "TOKEN", "Bearer token for authentication to the API server", "--token");
        inherited(root, "DURATION", "The length of time to wait before giving up on a single server request (e.g. "
                + "1s, 2m). Zero means no timeout", "--request-timeout");
        inherited(root, "FILE", "Path to a cert file for the certificate authority", "--certificate-authority");
        inherited(root, "FILE", "Path to a client certificate file for TLS", "--client-certificate");
        inherited(root, "FILE", "Path to a client key file for TLS", "--client-key");
        root.addOption(OptionSpec.builder("--insecure-skip-tls-verify").scopeType(ScopeType.INHERIT)
                .type(Boolean.class).arity("0..1").fallbackValue("true")
                .description("If true, the server's certificate will not be checked for validity").build());
        inherited(root, "NAME", "Server name to use for server certificate validation", "--tls-server-name");
        inherited(root, "USER", "Username to impersonate for the operation", "--as");
        root.addOption(OptionSpec.builder("--as-group").scopeType(ScopeType.INHERIT).paramLabel("GROUP")
                .type(List.class).auxiliaryTypes(String.class)
                .description("Group to impersonate for the operation; repeat for several groups").build());
        if (all || named.contains("get")) {
            root.addSubcommand("get", GetCommand.spec(io, flags));
        }
        if (all || named.contains("extend")) {
            root.addSubcommand("extend", ExtendCommand.spec(io, flags));
        }
        if (all) {
            root.addSubcommand("completion", Complete.command(io));
        }

        CommandLine cl = new CommandLine(root);
        self[0] = cl;
        cl.setSubcommandsCaseInsensitive(true);
        cl.setOut(io.out());
        cl.setErr(io.err());
        cl.setParameterExceptionHandler((ex, ignoredArgs) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String message = ex.getMessage();
            if (ex instanceof CommandLine.UnmatchedArgumentException && ex.getCommandLine().getParent() == null) {
                message = "expecting an action of either 'get' or 'extend' in the command";
            }
            err.println("Error: " + message);
            err.println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            commandLine.getOut().flush();
            err.println("Error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            err.flush();
            return 1;
        });
        return cl;
    }

    /** A command spec whose work is the given callable, with the usual -h/--help. */
    static CommandSpec command(String name, Callable<Integer> work) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(work).name(name);
        spec.usageMessage().autoWidth(true);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        return spec;
    }

    private static void inherited(CommandSpec spec, String label, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).scopeType(ScopeType.INHERIT).paramLabel(label).type(String.class)
                .description(description).build());
    }

    /** A boolean flag that, like pflag's, also takes {@code --flag=true|false}. */
    static void flag(CommandSpec spec, String description, boolean inherit, String... names) {
        spec.addOption(OptionSpec.builder(names).scopeType(inherit ? ScopeType.INHERIT : ScopeType.LOCAL)
                .type(boolean.class).arity("0..1").fallbackValue("true").description(description).build());
    }

    /** kubectl's rule: "0" is no timeout, a bare number is seconds, anything else a Go duration. */
    static Duration requestTimeout(String text) {
        String t = text == null ? "0" : text.trim();
        if (t.isEmpty() || t.equals("0")) {
            return null;
        }
        try {
            Duration d = t.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(t))
                    : GoDuration.parse(t);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d.isZero() ? null : d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid timeout value. Timeout must be a single integer in seconds, "
                    + "or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)");
        }
    }

    /** Runs the plugin; 0 on success, 1 on any failure (usage errors included, as kubectl and the original). */
    public static int run(String[] args, Io io) {
        Trace.mark("run");
        try {
            if (args.length > 0 && args[0].equals("__complete")) {
                return Complete.run(List.of(args).subList(1, args.length), io);
            }
            CommandLine cl = commandLine(io, args);
            Trace.mark("command line model built");
            return cl.execute(args);
        } catch (Exception e) {
            io.err().println("Error: " + e.getMessage());
            return 1;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /**
     * Runs the training rig of the start-up cache, a jar of its own (it carries throw-away private keys, so it is
     * never part of this one). It gets its own class loader rather than a place on the class path: the cache is
     * valid only for the class path it was made with, and every later run has this jar alone.
     */
    private static int train(Path rig) throws Exception {
        if (!Files.isRegularFile(rig)) {
            System.err.println("Error: no training jar at " + rig);
            return 1;
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {rig.toUri().toURL()},
                KubectlPi.class.getClassLoader())) {
            return (Integer) loader.loadClass("io.kubeexec.pi.training.Training").getMethod("run").invoke(null);
        }
    }

    public static void main(String[] args) throws Exception {
        Trace.mark("main");
        Warmup.start();
        if (args.length == 2 && args[0].equals("__train")) {
            int code = train(Path.of(args[1])); // the launcher's cache training run; see bin/kubectl-pi
            Trace.print();
            System.exit(code);
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 16384), StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int code = run(args, new Io(out, err, in));
        Trace.mark("done");
        Trace.print();
        System.exit(code);
    }
}
