package io.earthmover.score;

import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.config.ConfigException;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.format.InputSettings;
import java.util.Locale;

/** What the scoring topology needs from the configuration. */
public record ScorerSettings(String inputTopic, String scoresTopic, String dlqTopic, int recordMaxBytes, int topK,
                             long lateToleranceMs, String modelName, AlarmPolicy alarm, double attributionMinScore,
                             InputSettings input) {

    /** The settings for JSON input (the record contract's own format). */
    public ScorerSettings(String inputTopic, String scoresTopic, String dlqTopic, int recordMaxBytes, int topK,
            long lateToleranceMs, String modelName, AlarmPolicy alarm, double attributionMinScore) {
        this(inputTopic, scoresTopic, dlqTopic, recordMaxBytes, topK, lateToleranceMs, modelName, alarm,
                attributionMinScore, InputSettings.JSON);
    }

    /** The same settings reading {@code input} instead. */
    public ScorerSettings withInput(InputSettings in) {
        return new ScorerSettings(inputTopic, scoresTopic, dlqTopic, recordMaxBytes, topK, lateToleranceMs, modelName,
                alarm, attributionMinScore, in);
    }

    /** The settings without the attribution level: topFeatures for flagged records only (the default). */
    public ScorerSettings(String inputTopic, String scoresTopic, String dlqTopic, int recordMaxBytes, int topK,
            long lateToleranceMs, String modelName, AlarmPolicy alarm) {
        this(inputTopic, scoresTopic, dlqTopic, recordMaxBytes, topK, lateToleranceMs, modelName, alarm,
                ConfigKeys.ATTRIBUTION_MIN_SCORE.defaultValue());
    }

    public static ScorerSettings from(EarthmoverConfig c) {
        return new ScorerSettings(c.get(ConfigKeys.TOPIC_INPUT), c.get(ConfigKeys.TOPIC_SCORES), c.get(ConfigKeys.TOPIC_DLQ),
                c.get(ConfigKeys.RECORD_MAX_BYTES), c.get(ConfigKeys.ATTRIBUTION_TOP_K), c.get(ConfigKeys.SCORER_LATE_TOLERANCE),
                c.get(ConfigKeys.MODEL_NAME), alarmPolicy(c), c.get(ConfigKeys.ATTRIBUTION_MIN_SCORE), InputSettings.from(c));
    }

    /** The alarm policy of a configuration; a combination of values that cannot work names its key. */
    public static AlarmPolicy alarmPolicy(EarthmoverConfig c) {
        int k = c.get(ConfigKeys.ALARM_PERSISTENCE_K);
        int n = c.get(ConfigKeys.ALARM_PERSISTENCE_N);
        if (k > n) {
            throw new ConfigException(ConfigKeys.ALARM_PERSISTENCE_K.name(), "must not exceed "
                    + ConfigKeys.ALARM_PERSISTENCE_N.name() + " (" + k + " > " + n + ")");
        }
        int history = c.get(ConfigKeys.ALARM_HISTORY);
        int block = c.get(ConfigKeys.ALARM_BLOCK);
        if (block > history) {
            throw new ConfigException(ConfigKeys.ALARM_BLOCK.name(), "must not exceed "
                    + ConfigKeys.ALARM_HISTORY.name() + " (" + block + " > " + history + ")");
        }
        if ((history + block - 1) / block > 1024) {
            throw new ConfigException(ConfigKeys.ALARM_BLOCK.name(), "too small for " + ConfigKeys.ALARM_HISTORY.name()
                    + " = " + history + ": at most 1024 blocks per key (state size), so at least " + ((history + 1023) / 1024));
        }
        return new AlarmPolicy(c.get(ConfigKeys.ALARM_ENABLED),
                AlarmPolicy.Signal.valueOf(c.get(ConfigKeys.ALARM_SIGNAL).toUpperCase(Locale.ROOT)),
                c.get(ConfigKeys.ALARM_THRESHOLD), c.get(ConfigKeys.ALARM_AVERAGING), history, block,
                c.get(ConfigKeys.ALARM_RANGE), c.get(ConfigKeys.ALARM_RANGE_TOLERANCE), k, n,
                c.get(ConfigKeys.ALARM_REFRACTORY), c.get(ConfigKeys.ALARM_REARM),
                c.get(ConfigKeys.ALARM_FROZEN), c.get(ConfigKeys.ALARM_ADAPT_GUARD), c.get(ConfigKeys.ALARM_ADAPT_DELAY),
                AlarmPolicy.Tail.valueOf(c.get(ConfigKeys.ALARM_TAIL).toUpperCase(Locale.ROOT)), c.get(ConfigKeys.ALARM_RECURRENCE),
                c.get(ConfigKeys.ALARM_FROZEN_LEARN),
                AlarmPolicy.Squash.named(c.get(ConfigKeys.ALARM_SQUASH)));
    }
}
