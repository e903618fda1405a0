package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.ConfigKey;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {
    @Test
    void defaultsAreTheConfigKeysDefaultsForEverySetting() {
        Map<String, Object> m = TrainingSettings.defaults().toMap();
        assertThat(m).isNotEmpty();
        m.forEach((name, value) -> {
            ConfigKey<?> key = ConfigKeys.find(name).orElseThrow(() -> new AssertionError(name + " is not a config key"));
            assertThat(ConfigKey.text(value)).as(name).isEqualTo(key.defaultText());
        });
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
    void withChangesOneKeyAndEqualsTheSameValueReadFromConfiguration() {
        TrainingSettings changed = TrainingSettings.defaults().with(ConfigKeys.TRAIN_ITERATIONS, 77)
                .with(ConfigKeys.TRAIN_CRITIC_HIDDEN, new int[] {8, 4});
        TrainingSettings read = TrainingSettings.from(EarthmoverConfig.of(Map.of("train.iterations", "77",
                "train.critic.hidden", "8,4")));
        assertThat(changed).isEqualTo(read);
        assertThat(changed.iterations()).isEqualTo(77);
        assertThat(changed.batchSize()).isEqualTo(ConfigKeys.TRAIN_BATCH.defaultValue());
    }

    @Test
    void rejectsInvalidValuesNamingTheKey() {
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.FEATURES_WINDOW, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features.window");
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.FEATURES_NORMALISER, "minmax"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features.normaliser");
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.FEATURES_SQUASH, "log"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features.squash");
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.FEATURES_WINDOW, 4)
                .with(ConfigKeys.FEATURES_SQUASH, "asinh").with(ConfigKeys.TRAIN_CONDITIONAL, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features.squash=asinh");
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.FEATURES_LEVEL, "auto"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features.differences=true");
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.FEATURES_DIFFERENCES, true)
                .with(ConfigKeys.FEATURES_LEVEL, "auto").with(ConfigKeys.TRAIN_ENCODER, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train.encoder");
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.FEATURES_LEVEL, "drop"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features.level");
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.TOPIC_INPUT, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topics.input is not a training setting");
    }

    @Test
    void wganCpUsesArjovskysLearningRateUnlessTheRateIsSetToAnotherValue() {
        TrainingSettings cp = TrainingSettings.defaults().with(ConfigKeys.TRAIN_LOSS, "wgan-cp");
        assertThat(cp.ganLoss()).isEqualTo(GanLoss.WGAN_CP);
        assertThat(cp.effectiveLearningRate()).isEqualTo(ConfigKeys.WGAN_CP_LEARNING_RATE);
        assertThat(cp.with(ConfigKeys.TRAIN_LR, 2e-4).effectiveLearningRate()).isEqualTo(2e-4);
        assertThat(TrainingSettings.defaults().effectiveLearningRate()).isEqualTo(ConfigKeys.TRAIN_LR.defaultValue());
        assertThat(TrainingSettings.defaults().with(ConfigKeys.TRAIN_LOSS, "gan").effectiveLearningRate())
                .isEqualTo(ConfigKeys.TRAIN_LR.defaultValue());
        assertThatThrownBy(() -> TrainingSettings.defaults().with(ConfigKeys.TRAIN_LOSS, "lsgan"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train.loss");
    }
}
