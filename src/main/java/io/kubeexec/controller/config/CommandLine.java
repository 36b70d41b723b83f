package io.kubeexec.controller.config;

import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the flags the way Go's flag package does ({@code -port 8443}, {@code --port=8443}, a bare {@code -dry-run}),
 * then layers them: flags over environment ({@code KEC_PORT}) over {@code application.properties}.
 */
public final class CommandLine {

    private CommandLine() {
    }

    /** Thrown for {@code -h}, {@code -help} and {@code --help}. */
    public static final class HelpRequested extends RuntimeException {
        public HelpRequested() {
            super("help requested", null, false, false);
        }
    }

    public static Map<Flag, String> resolve(String[] args, Map<String, String> env, Properties defaults) {
        Map<Flag, String> values = new EnumMap<>(Flag.class);
        for (Flag flag : Flag.values()) {
            String fromProperties = defaults.getProperty(flag.flagName());
            if (fromProperties != null) {
                values.put(flag, fromProperties.trim());
            }
            String fromEnv = env.get(flag.envName());
            if (fromEnv != null) {
                values.put(flag, fromEnv);
            }
        }
        values.putAll(parseFlags(args));
        return values;
    }

    static Map<Flag, String> parseFlags(String[] args) {
        Map<Flag, String> values = new EnumMap<>(Flag.class);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new InvalidSettingException("unexpected argument \"" + arg + "\": flags look like -port 8443");
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            if (name.equals("h") || name.equals("help")) {
                throw new HelpRequested();
            }
            String flagName = name;
            Flag flag = Flag.byName(flagName).orElseThrow(() -> new InvalidSettingException(
                    "flag provided but not defined: -" + flagName + " (see --help)"));
            if (value == null) {
                if (flag.isBoolean()) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new InvalidSettingException("flag needs an argument: -" + name);
                }
            }
            values.put(flag, value);
        }
        return values;
    }

    /** The usage text of {@code --help}: every flag with its environment variable and default. */
    public static String usage(Properties defaults) {
        StringBuilder out = new StringBuilder("Usage: kube-exec-controller [flags]\n\n"
                + "Flags (one or two dashes; each also read from the environment variable shown):\n");
        for (Flag flag : Flag.values()) {
            String def = defaults.getProperty(flag.flagName(), "").trim();
            out.append(String.format("  -%s%s%n        %s (env %s)%s%n", flag.flagName(),
                    flag.isBoolean() ? "" : " value", flag.usage(), flag.envName(),
                    def.isEmpty() ? "" : " (default " + def + ")"));
        }
        return out.toString();
    }
}
