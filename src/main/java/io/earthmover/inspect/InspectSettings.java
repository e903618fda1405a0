package io.earthmover.inspect;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;

/**
 * What the inspection stores and API need from the configuration; with inspection on, the
 * topology also reads operator feedback from {@code feedbackTopic}.
 */
public record InspectSettings(boolean enabled, int perKey, int maxAlarms, long retentionMs, String feedbackTopic) {
    /** No inspection stores in the topology (offline scoring, benchmarks, {@code inspect.enabled=false}). */
    public static final InspectSettings OFF = new InspectSettings(false, 1, 1, 1_000L);

    /** The settings with the default feedback topic. */
    public InspectSettings(boolean enabled, int perKey, int maxAlarms, long retentionMs) {
        this(enabled, perKey, maxAlarms, retentionMs, ConfigKeys.TOPIC_FEEDBACK.defaultValue());
    }

    public static InspectSettings from(EarthmoverConfig c) {
        return new InspectSettings(c.get(ConfigKeys.INSPECT_ENABLED), c.get(ConfigKeys.INSPECT_PER_KEY),
                c.get(ConfigKeys.INSPECT_ALARMS), c.get(ConfigKeys.INSPECT_RETENTION), c.get(ConfigKeys.TOPIC_FEEDBACK));
    }
}
