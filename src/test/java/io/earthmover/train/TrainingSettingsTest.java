package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.EarthmoverConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {
    @Test
    void defaultsEqualTheConfigurationDefaults() {
        assertThat(TrainingSettings.from(EarthmoverConfig.defaults())).isEqualTo(TrainingSettings.defaults());
    }

    @Test
    void readsEveryKeyFromConfiguration() {
        TrainingSettings s = TrainingSettings.from(EarthmoverConfig.of(Map.of("features.window", "4",
                "train.critic.hidden", "64,32", "train.seed", "9", "calibration.threshold.quantile", "0.99",
                "features.normaliser", "robust")));
        assertThat(s.window()).isEqualTo(4);
        assertThat(s.criticHidden()).containsExactly(64, 32);
        assertThat(s.seed()).isEqualTo(9);
        assertThat(s.thresholdQuantile()).isEqualTo(0.99);
        assertThat(s.normaliser()).isEqualTo("robust");
        assertThat(s.toMap()).containsEntry("train.seed", 9L);
    }

    @Test
    void rejectsInvalidValues() {
        assertThatThrownBy(() -> TrainingSettings.defaults().withWindow(0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrainingSettings.defaults().withNormaliser("minmax")).isInstanceOf(IllegalArgumentException.class);
    }
}
