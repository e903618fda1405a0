package io.earthmover.cli;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.BrokerProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The configuration options every subcommand shares (a picocli mixin). Commands add their own
 * options as overrides, which rank above the file and the environment, and may bring defaults of
 * their own, which rank below both.
 */
public final class ConfigOptions {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigOptions.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with configuration keys (see README)")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set a configuration key; repeatable. Ranks above --config and EARTHMOVER_* variables.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (same as --set kafka.bootstrap.servers=...)")
    String bootstrapServers;

    /**
     * Loads the configuration once and logs it masked.
     *
     * @param commandDefaults  the command's own defaults: below --config, the environment and --set
     * @param commandOverrides the command's own options: on top of everything
     */
    public EarthmoverConfig load(Map<String, String> commandDefaults, Map<String, String> commandOverrides) {
        Map<String, String> cli = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            cli.put("kafka.bootstrap.servers", bootstrapServers);
        }
        cli.putAll(commandOverrides);
        EarthmoverConfig cfg = EarthmoverConfig.load(commandDefaults, configFile, System.getenv(), cli);
        LOG.info("{}", cfg.describe());
        return cfg;
    }

    /** Loads the configuration with the command's own options on top. */
    public EarthmoverConfig load(Map<String, String> commandOverrides) {
        return load(Map.of(), commandOverrides);
    }

    public EarthmoverConfig load() {
        return load(Map.of());
    }

    /**
     * As {@link #load(Map)}, but when {@code --config} is not given, {@code defaultFile}'s settings
     * take its place (a built-in profile): they rank where the file would.
     */
    public EarthmoverConfig loadWithDefaultFile(Map<String, String> defaultFile, Map<String, String> commandOverrides) {
        return load(configFile == null ? defaultFile : Map.of(), commandOverrides);
    }

    /** The --config file, or null when none was given. */
    public Path configFile() {
        return configFile;
    }

    /** The --set settings, in the order given. */
    public Map<String, String> settings() {
        return Collections.unmodifiableMap(settings);
    }

    /** Whether the user named the Kafka cluster (--bootstrap-servers or --set kafka.bootstrap.servers). */
    public boolean namesBootstrapServers() {
        return bootstrapServers != null || settings.containsKey("kafka.bootstrap.servers");
    }

    /** Waits for Kafka at start-up (connect.wait.ms); one clear line and exit code 1 when it is not there. */
    static void awaitKafka(EarthmoverConfig cfg) {
        BrokerProbe.await(cfg.bootstrapServers(), Duration.ofMillis(cfg.get(ConfigKeys.CONNECT_WAIT)), ConfigKeys.CONNECT_WAIT.name());
    }
}
