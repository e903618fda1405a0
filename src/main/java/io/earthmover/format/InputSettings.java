package io.earthmover.format;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.record.RecordDecoder;
import io.earthmover.record.RecordParser;
import java.util.List;
import java.util.Locale;

/**
 * How {@code events-in} values are encoded ({@code input.format}) and, for Avro and Protobuf, where
 * their schemas live and which fields are the features.
 *
 * @param format      json, avro or protobuf
 * @param registryUrl Apicurio Registry's v3 API, e.g. {@code http://127.0.0.1:8080/apis/registry/v3}
 * @param features    the numeric fields read as features, in this order; empty = every numeric top-level
 *                    field but {@code id} and {@code ts}
 */
public record InputSettings(Format format, String registryUrl, List<String> features) {
    /** The encodings {@code input.format} names. */
    public enum Format {
        JSON, AVRO, PROTOBUF;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** JSON, the contract's own format, as files (CSV/JSONL replayed through the parser) always are. */
    public static final InputSettings JSON = new InputSettings(Format.JSON, ConfigKeys.INPUT_REGISTRY_URL.defaultValue(), List.of());

    public InputSettings {
        features = List.copyOf(features);
    }

    public static InputSettings from(EarthmoverConfig c) {
        return new InputSettings(Format.valueOf(c.get(ConfigKeys.INPUT_FORMAT).toUpperCase(Locale.ROOT)),
                c.get(ConfigKeys.INPUT_REGISTRY_URL), featureList(c.get(ConfigKeys.INPUT_FEATURES)));
    }

    /** {@code input.features} as a list: empty for the empty string. */
    public static List<String> featureList(String text) {
        return text.isBlank() ? List.of() : java.util.Arrays.stream(text.split(",")).map(String::trim).toList();
    }

    /** A new decoder for one thread (a stream task, the trainer): close it when done. */
    public RecordDecoder decoder(int maxBytes) {
        return switch (format) {
            case JSON -> new RecordParser(maxBytes, RecordParser.DEFAULT_MAX_DEPTH);
            case AVRO, PROTOBUF -> RegistryDecoder.create(this, maxBytes);
        };
    }
}
