package io.earthmover.score;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;

/** What the scoring topology needs from the configuration. */
public record ScorerSettings(String inputTopic, String scoresTopic, String dlqTopic, int recordMaxBytes, int topK,
                             long lateToleranceMs, String modelName) {

    public static ScorerSettings from(EarthmoverConfig c) {
        return new ScorerSettings(c.get(ConfigKeys.TOPIC_INPUT), c.get(ConfigKeys.TOPIC_SCORES), c.get(ConfigKeys.TOPIC_DLQ),
                c.get(ConfigKeys.RECORD_MAX_BYTES), c.get(ConfigKeys.ATTRIBUTION_TOP_K), c.get(ConfigKeys.SCORER_LATE_TOLERANCE),
                c.get(ConfigKeys.MODEL_NAME));
    }
}
