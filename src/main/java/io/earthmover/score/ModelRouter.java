package io.earthmover.score;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.earthmover.config.ConfigException;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which model scores a record ({@code routing.*}): the one {@code model.name} (mode {@code none},
 * as before routing), a top-level string field of the record, the record key's prefix, or the key
 * looked up in a table; {@code routing.default} for a record the rule names no model for. Stateless
 * after construction, so one router serves every stream thread.
 */
public final class ModelRouter {
    /** The routing rule. */
    public enum Mode {
        NONE, FIELD, KEY_PREFIX, TABLE
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Mode mode;
    private final String modelName;
    private final String field;
    private final String separator;
    private final Map<String, String> table;
    private final String defaultModel;
    private final int maxModels;

    private ModelRouter(Mode mode, String modelName, String field, String separator, Map<String, String> table,
            String defaultModel, int maxModels) {
        this.mode = mode;
        this.modelName = modelName;
        this.field = field;
        this.separator = separator;
        this.table = Map.copyOf(table);
        this.defaultModel = defaultModel.isEmpty() ? null : defaultModel;
        this.maxModels = maxModels;
    }

    /** One model for every record: {@code routing.mode=none}. */
    public static ModelRouter single(String modelName) {
        return new ModelRouter(Mode.NONE, modelName, "model", ":", Map.of(), "", 1);
    }

    /** The router a configuration describes; a combination that cannot work names its key. */
    public static ModelRouter from(EarthmoverConfig c) {
        Mode mode = Mode.valueOf(c.get(ConfigKeys.ROUTING_MODE).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        String tableSpec = c.get(ConfigKeys.ROUTING_TABLE_SPEC).trim();
        String def = c.get(ConfigKeys.ROUTING_DEFAULT).trim();
        if (mode == Mode.NONE) {
            if (!def.isEmpty()) {
                throw new ConfigException(ConfigKeys.ROUTING_DEFAULT.name(), "is set but routing.mode is none (every record is"
                        + " scored by model.name); set routing.mode, or model.name instead");
            }
            if (!tableSpec.isEmpty()) {
                throw new ConfigException(ConfigKeys.ROUTING_TABLE_SPEC.name(), "is set but routing.mode is none");
            }
            return single(c.get(ConfigKeys.MODEL_NAME));
        }
        if (!c.get(ConfigKeys.SCORER_MODEL_SOURCE).equals("topic")) {
            throw new ConfigException(ConfigKeys.ROUTING_MODE.name(), "'" + c.get(ConfigKeys.ROUTING_MODE)
                    + "' loads its models from the models topic: needs scorer.model.source=topic, not '"
                    + c.get(ConfigKeys.SCORER_MODEL_SOURCE) + "'");
        }
        if (mode == Mode.FIELD && !c.get(ConfigKeys.INPUT_FORMAT).equals(ConfigKeys.INPUT_FORMAT_DEFAULT)) {
            throw new ConfigException(ConfigKeys.ROUTING_MODE.name(), "'field' reads a JSON field: needs input.format=json, not '"
                    + c.get(ConfigKeys.INPUT_FORMAT) + "' (route Avro or Protobuf records by key-prefix or table)");
        }
        Map<String, String> table = Map.of();
        if (mode == Mode.TABLE) {
            table = table(tableSpec);
        } else if (!tableSpec.isEmpty()) {
            throw new ConfigException(ConfigKeys.ROUTING_TABLE_SPEC.name(), "is set but routing.mode is "
                    + c.get(ConfigKeys.ROUTING_MODE) + ", which does not read it");
        }
        return new ModelRouter(mode, c.get(ConfigKeys.MODEL_NAME), c.get(ConfigKeys.ROUTING_FIELD_NAME),
                c.get(ConfigKeys.ROUTING_KEY_SEPARATOR), table, def, c.get(ConfigKeys.ROUTING_MAX_MODELS));
    }

    /** Parses {@code routing.table}: inline {@code key=model,...} or {@code @FILE} of {@code key=model} lines. */
    static Map<String, String> table(String spec) {
        String key = ConfigKeys.ROUTING_TABLE_SPEC.name();
        if (spec.isEmpty()) {
            throw new ConfigException(key, "is empty but routing.mode is table: give key=model pairs or @FILE");
        }
        List<String> entries;
        String where;
        if (spec.startsWith("@")) {
            Path file = Path.of(spec.substring(1));
            try {
                entries = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(key, "cannot read " + file + ": " + e);
            }
            where = file + " line ";
        } else {
            entries = List.of(spec.split(",", -1));
            where = "entry ";
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i).trim();
            if (spec.startsWith("@") && (e.isEmpty() || e.startsWith("#"))) {
                continue;
            }
            int eq = e.indexOf('=');
            String k = eq < 0 ? "" : e.substring(0, eq).trim();
            String m = eq < 0 ? "" : e.substring(eq + 1).trim();
            if (k.isEmpty() || m.isEmpty()) {
                throw new ConfigException(key, where + (i + 1) + " '" + e + "' is not key=model");
            }
            String before = out.put(k, m);
            if (before != null) {
                throw new ConfigException(key, "key '" + k + "' is listed twice (" + before + ", " + m + ")");
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, spec + " holds no key=model pair");
        }
        return out;
    }

    public Mode mode() {
        return mode;
    }

    /** True when records choose among several models; false for the one model of mode none. */
    public boolean routed() {
        return mode != Mode.NONE;
    }

    /** The one model of mode none ({@code model.name}). */
    public String modelName() {
        return modelName;
    }

    public String defaultModel() {
        return defaultModel;
    }

    public int maxModels() {
        return maxModels;
    }

    /**
     * The model name for a record (its key may be null; its value already parsed as a record), or
     * null when the rule names none and there is no default.
     */
    public String route(byte[] key, byte[] value) {
        String named = switch (mode) {
            case NONE -> modelName;
            case FIELD -> field(value);
            case KEY_PREFIX -> prefix(key);
            case TABLE -> key == null ? null : table.get(new String(key, StandardCharsets.UTF_8));
        };
        return named == null || named.isEmpty() ? defaultModel : named;
    }

    private String prefix(byte[] key) {
        if (key == null) {
            return null;
        }
        String k = new String(key, StandardCharsets.UTF_8);
        int at = k.indexOf(separator);
        return at < 0 ? null : k.substring(0, at);
    }

    /** The top-level string field {@code routing.field}, or null (absent, not a string, not a JSON object). */
    private String field(byte[] value) {
        if (value == null) {
            return null;
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean match = field.equals(p.currentName());
                JsonToken v = p.nextToken();
                if (match) {
                    return v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            // the record parser accepted it first, so this is not reached for a record being scored
            return null;
        }
    }
}
