package io.earthmover.inspect;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;

/** What the inspection stores and API need from the configuration. */
public record InspectSettings(boolean enabled, int perKey, int maxAlarms, long retentionMs) {
    /** No inspection stores in the topology (offline scoring, benchmarks, {@code inspect.enabled=false}). */
    public static final InspectSettings OFF = new InspectSettings(false, 1, 1, 1_000L);

    public static InspectSettings from(EarthmoverConfig c) {
        return new InspectSettings(c.get(ConfigKeys.INSPECT_ENABLED), c.get(ConfigKeys.INSPECT_PER_KEY),
                c.get(ConfigKeys.INSPECT_ALARMS), c.get(ConfigKeys.INSPECT_RETENTION));
    }
}
