package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTest {
    private static final List<String> SHIPPED = List.of(Profile.UNIVARIATE_SERIES, Profile.MULTIVARIATE_SENSORS, Profile.TABULAR);

    @Test
    void everyShippedProfileIsTheRepositoryFileAUserPassesToTrainAndScore() throws Exception {
        for (String name : SHIPPED) {
            Path file = Path.of("profiles", name + ".properties");
            Profile builtIn = Profile.builtIn(name);
            assertThat(builtIn.text()).as(name).isEqualTo(Files.readString(file));
            // what `earthmover train --config profiles/<name>.properties` loads (unknown keys would fail here)
            EarthmoverConfig asCli = EarthmoverConfig.load(file, Map.of(), Map.of());
            assertThat(Profile.effectiveKeys(builtIn.config())).isEqualTo(Profile.effectiveKeys(asCli));
        }
    }

    @Test
    void effectiveKeysListEveryTrainingFeatureAndAlarmKeyWithOverridesApplied() {
        EarthmoverConfig c = Profile.builtIn(Profile.UNIVARIATE_SERIES).config().with(Map.of("alarm.threshold", "0.7"));
        String keys = Profile.effectiveKeys(c);
        assertThat(keys).contains("features.window = 8\n", "features.normaliser = robust\n", "train.learning.rate = 0.001\n",
                "alarm.threshold = 0.7\n", "train.gate.min.auc = 0.8\n", "calibration.threshold.quantile = 0.995\n");
        assertThat(keys).doesNotContain("topics.", "scorer.", "kafka.");
        long listed = keys.lines().count();
        long expected = ConfigKeys.all().stream().filter(k -> Profile.REPORTED.stream().anyMatch(k.name()::startsWith)).count();
        assertThat(listed).isEqualTo(expected);
    }

    @Test
    void theSensorsProfileDecidesEachRowOnItsOwnWindow() {
        EarthmoverConfig c = Profile.builtIn(Profile.MULTIVARIATE_SENSORS).config();
        assertThat(c.get(ConfigKeys.ALARM_SIGNAL)).isEqualTo("score");
        assertThat(c.get(ConfigKeys.ALARM_REFRACTORY)).isZero();
        assertThat(c.get(ConfigKeys.ALARM_PERSISTENCE_N)).isEqualTo(1);
        assertThat(c.get(ConfigKeys.ALARM_RANGE)).isFalse();
    }

    @Test
    void anUnknownProfileOrUnreadableFileIsAnError() {
        assertThatThrownBy(() -> Profile.builtIn("nope")).hasMessageContaining("profiles/nope.properties");
        assertThatThrownBy(() -> Profile.file(Path.of("no/such.properties"))).hasMessageContaining("no/such.properties");
    }
}
