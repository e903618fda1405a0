package io.earthmover.harness.eval;

import io.earthmover.config.ConfigKey;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration file wgan trains and scores with: one of the named profiles the repository
 * ships under {@code profiles/} (also inside the jar), or the file given with {@code --config}.
 * It is a plain earthmover properties file, so a user passes the same file to
 * {@code earthmover train --config} and {@code earthmover score --config} and gets what the
 * evaluation measured.
 *
 * @param source where it came from, for reports ({@code profiles/tabular.properties (built in)}, a path)
 * @param text   the file as written
 */
public record Profile(String source, String text) {
    public static final String UNIVARIATE_SERIES = "univariate-series";
    public static final String MULTIVARIATE_SENSORS = "multivariate-sensors";
    public static final String TABULAR = "tabular";
    /** Key prefixes that decide what wgan trains and serves; reports list their effective values. */
    static final List<String> REPORTED = List.of("features.", "train.", "calibration.", "alarm.");

    /** The shipped profile {@code profiles/<name>.properties}. */
    public static Profile builtIn(String name) {
        String path = "profiles/" + name + ".properties";
        try (InputStream in = Profile.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in profile " + path);
            }
            return new Profile(path + " (built in)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file given with {@code --config}, or else the shipped profile {@code name}. */
    public static Profile of(Path configFileOrNull, String name) {
        return configFileOrNull != null ? file(configFileOrNull) : builtIn(name);
    }

    /** A profile file given on the command line. */
    public static Profile file(Path file) {
        try {
            return new Profile(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's settings, as {@code --config} would read them. */
    public Map<String, String> settings() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k.trim(), p.getProperty(k));
        }
        return m;
    }

    /** The profile's settings over the defaults, nothing else (for tests and embedded use). */
    public EarthmoverConfig config() {
        return EarthmoverConfig.loadFrom(settings(), Map.of(), Map.of());
    }

    /** Every effective {@code features.*}, {@code train.*}, {@code calibration.*} and {@code alarm.*} key, one per line. */
    public static String effectiveKeys(EarthmoverConfig c) {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey<?> k : ConfigKeys.all()) {
            if (REPORTED.stream().anyMatch(k.name()::startsWith)) {
                sb.append(k.name()).append(" = ").append(ConfigKey.text(c.get(k))).append('\n');
            }
        }
        return sb.toString();
    }

    /** For reports: the file, then the effective keys (file, environment and {@code --set} together). */
    public String markdown(EarthmoverConfig effective) {
        return "Configuration: `" + source + "`\n\n```properties\n" + text.strip() + "\n```\n\n"
                + "Effective settings (defaults, this file, `EARTHMOVER_*` variables and `--set`):\n\n```\n"
                + effectiveKeys(effective) + "```\n";
    }
}
