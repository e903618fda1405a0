package io.earthmover.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one immutable, validated configuration. Sources, lowest precedence first: the defaults in
 * {@link ConfigKeys}, a command's own defaults (the demo's quick training settings, say), a
 * properties file, environment variables {@code EARTHMOVER_A_B} (for key {@code a.b}), then
 * command-line settings. Unknown keys and invalid values fail at load with a
 * {@link ConfigException} naming the key.
 */
public final class EarthmoverConfig {
    public static final String ENV_PREFIX = "EARTHMOVER_";
    private static final String MASK = "******";
    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})$");

    private final Map<String, Object> values;
    private final Map<String, String> kafka;

    private EarthmoverConfig(Map<String, Object> values, Map<String, String> kafka) {
        this.values = Collections.unmodifiableMap(values);
        this.kafka = Collections.unmodifiableMap(kafka);
    }

    /** Defaults only, plus the given overrides: for tests and embedded use. */
    public static EarthmoverConfig of(Map<String, String> overrides) {
        return load(null, Map.of(), overrides);
    }

    public static EarthmoverConfig defaults() {
        return of(Map.of());
    }

    /**
     * Loads and validates the configuration.
     *
     * @param file optional properties file ({@code --config})
     * @param env  the process environment; only {@code EARTHMOVER_*} variables are read
     * @param cli  settings from the command line
     */
    public static EarthmoverConfig load(Path file, Map<String, String> env, Map<String, String> cli) {
        return load(Map.of(), file, env, cli);
    }

    /**
     * As {@link #load(Path, Map, Map)} with the file's settings already read: a profile shipped
     * inside the jar, say, which ranks where {@code --config} would.
     */
    public static EarthmoverConfig loadFrom(Map<String, String> fileSettings, Map<String, String> env, Map<String, String> cli) {
        return load(fileSettings, null, env, cli);
    }

    /**
     * Loads and validates the configuration with a command's own defaults, which rank above the
     * built-in defaults and below every source the user controls.
     *
     * @param commandDefaults settings a command prefers to the built-in defaults
     */
    public static EarthmoverConfig load(Map<String, String> commandDefaults, Path file, Map<String, String> env,
            Map<String, String> cli) {
        Map<String, String> raw = new LinkedHashMap<>(commandDefaults);
        if (file != null) {
            raw.putAll(readFile(file));
        }
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                raw.put(fromEnvName(k), v);
            }
        });
        raw.putAll(cli);
        return validate(raw);
    }

    /** {@code EARTHMOVER_KAFKA_SASL_JAAS_CONFIG} → {@code kafka.sasl.jaas.config}. */
    public static String fromEnvName(String env) {
        return env.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    public static String toEnvName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k.trim(), p.getProperty(k));
        }
        return m;
    }

    private static Map<String, Object> defaultValues() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (ConfigKey<?> k : ConfigKeys.all()) {
            v.put(k.name(), k.defaultValue());
        }
        return v;
    }

    private static EarthmoverConfig validate(Map<String, String> raw) {
        Map<String, Object> values = defaultValues();
        Map<String, String> kafka = new TreeMap<>();
        kafka.put("bootstrap.servers", ConfigKeys.DEFAULT_BOOTSTRAP);
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            if (key.startsWith(ConfigKeys.KAFKA_PREFIX)) {
                String kk = key.substring(ConfigKeys.KAFKA_PREFIX.length());
                if (!KafkaKeys.isKnown(kk)) {
                    throw new ConfigException(key, "'" + kk + "' is not a Kafka producer, consumer, admin or Streams setting");
                }
                kafka.put(kk, value);
                continue;
            }
            ConfigKey<?> ck = ConfigKeys.find(key).orElseThrow(() -> new ConfigException(key,
                    "unknown key; allowed are the keys in the README's configuration table and kafka.*"));
            try {
                values.put(key, ck.parse().apply(value));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(key, ex.getMessage() + "; allowed: " + ck.allowed());
            }
        }
        validateBootstrap("kafka.bootstrap.servers", kafka.get("bootstrap.servers"));
        validateConditional(values);
        return new EarthmoverConfig(values, kafka);
    }

    /** {@code train.conditional} needs an older step to condition on and is an alternative to the encoder. */
    private static void validateConditional(Map<String, Object> values) {
        if (!Boolean.TRUE.equals(values.get(ConfigKeys.TRAIN_CONDITIONAL.name()))) {
            return;
        }
        if (Boolean.TRUE.equals(values.get(ConfigKeys.TRAIN_ENCODER.name()))) {
            throw new ConfigException(ConfigKeys.TRAIN_CONDITIONAL.name(), "cannot be combined with train.encoder=true (both"
                    + " define the served value and the expected values); set one of them to false");
        }
        int window = (Integer) values.get(ConfigKeys.FEATURES_WINDOW.name());
        if (window < 2) {
            throw new ConfigException(ConfigKeys.TRAIN_CONDITIONAL.name(), "needs features.window of at least 2 (the newest"
                    + " record is generated from the older ones), not " + window);
        }
    }

    static void validateBootstrap(String key, String servers) {
        if (servers == null || servers.isBlank()) {
            throw new ConfigException(key, "must not be empty; allowed: host:port[,host:port...]");
        }
        for (String s : servers.split(",")) {
            String t = s.trim();
            var m = HOST_PORT.matcher(t);
            if (!m.matches()) {
                throw new ConfigException(key, "'" + t + "' is not host:port; allowed: host:port[,host:port...]");
            }
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw new ConfigException(key, "port " + port + " in '" + t + "' is out of range 1..65535");
            }
        }
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        if (!values.containsKey(key.name())) {
            throw new IllegalArgumentException("unregistered key " + key.name());
        }
        return (T) values.get(key.name());
    }

    public String bootstrapServers() {
        return kafka.get("bootstrap.servers");
    }

    /** The {@code kafka.*} settings with the prefix removed, for any Kafka client. */
    public Map<String, Object> kafkaProperties() {
        return new LinkedHashMap<>(kafka);
    }

    /** A copy with more settings applied on top (same validation). */
    public EarthmoverConfig with(Map<String, String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        values.forEach((k, v) -> raw.put(k, ConfigKey.text(v)));
        kafka.forEach((k, v) -> raw.put(ConfigKeys.KAFKA_PREFIX + k, v));
        raw.putAll(overrides);
        return validate(raw);
    }

    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        // "token": inspect.auth.token, and the Kafka clients' SASL/OAuth token settings
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("sasl.jaas.config");
    }

    /** Every effective key and value, one per line, secrets masked: logged once at start-up. */
    public String describe() {
        StringBuilder sb = new StringBuilder("effective configuration:");
        Map<String, String> all = new TreeMap<>();
        values.forEach((k, v) -> all.put(k, ConfigKey.text(v)));
        kafka.forEach((k, v) -> all.put(ConfigKeys.KAFKA_PREFIX + k, v));
        all.forEach((k, v) -> sb.append("\n  ").append(k).append(" = ").append(isSecret(k) ? MASK : v));
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
