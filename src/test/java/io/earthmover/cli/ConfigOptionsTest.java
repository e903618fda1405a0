package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.cli.DemoCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigOptionsTest {
    @Test
    void aConfigFileValueWinsOverTheDemosOwnTrainingDefaults(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("demo.properties");
        Files.writeString(f, "train.iterations=42\ntrain.critic.hidden=16,16\n");
        ConfigOptions o = new ConfigOptions();
        o.configFile = f;
        o.settings.put("train.batch.size", "32");
        EarthmoverConfig c = o.load(DemoCommand.DEMO_DEFAULTS, Map.of(ConfigKeys.METRICS_PORT.name(), "0"));
        assertThat(c.get(ConfigKeys.TRAIN_ITERATIONS)).isEqualTo(42);
        assertThat(c.get(ConfigKeys.TRAIN_CRITIC_HIDDEN)).containsExactly(16, 16);
        assertThat(c.get(ConfigKeys.TRAIN_BATCH)).as("--set wins too").isEqualTo(32);
        assertThat(c.get(ConfigKeys.TRAIN_LR)).as("a demo default nobody overrode").isEqualTo(0.0005);
        assertThat(c.get(ConfigKeys.METRICS_PORT)).as("the command's own option is on top").isZero();
    }
}
