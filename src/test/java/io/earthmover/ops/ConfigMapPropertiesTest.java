package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The properties file the Kubernetes ConfigMap carries must load through the real configuration. */
class ConfigMapPropertiesTest {
    @Test
    void kubernetesPropertiesAreValidConfiguration() {
        EarthmoverConfig c = EarthmoverConfig.load(Path.of("k8s/base/scorer/earthmover.properties"), Map.of(), Map.of());
        assertThat(c.get(ConfigKeys.SCORER_APP_ID)).isEqualTo("earthmover-scorer");
        assertThat(c.get(ConfigKeys.METRICS_HOST)).isEqualTo("0.0.0.0");
        assertThat(c.get(ConfigKeys.TOPIC_CREATE)).isFalse();
    }
}
