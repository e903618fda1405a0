package io.earthmover.cli;

import io.earthmover.config.EarthmoverConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The configuration options every subcommand shares (a picocli mixin). Commands add their own
 * options as overrides, which rank above the file and the environment.
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

    /** Loads the configuration once, with the command's own overrides on top, and logs it masked. */
    public EarthmoverConfig load(Map<String, String> commandOverrides) {
        return logged(EarthmoverConfig.load(configFile, System.getenv(), cli(commandOverrides)));
    }

    /**
     * As {@link #load(Map)}, but when {@code --config} is not given, {@code defaultFile}'s settings
     * take its place (a built-in profile).
     */
    public EarthmoverConfig load(Map<String, String> commandOverrides, Map<String, String> defaultFile) {
        if (configFile != null) {
            return load(commandOverrides);
        }
        return logged(EarthmoverConfig.loadFrom(defaultFile, System.getenv(), cli(commandOverrides)));
    }

    /** The settings given on the command line, the command's own overrides on top. */
    private Map<String, String> cli(Map<String, String> commandOverrides) {
        Map<String, String> cli = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            cli.put("kafka.bootstrap.servers", bootstrapServers);
        }
        cli.putAll(commandOverrides);
        return cli;
    }

    private static EarthmoverConfig logged(EarthmoverConfig cfg) {
        LOG.info("{}", cfg.describe());
        return cfg;
    }

    public EarthmoverConfig load() {
        return load(Map.of());
    }
}
