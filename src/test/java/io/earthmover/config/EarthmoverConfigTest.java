package io.earthmover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarthmoverConfigTest {

    @Test
    void defaultsComeFromNamedConstants() {
        EarthmoverConfig c = EarthmoverConfig.defaults();
        assertThat(c.get(ConfigKeys.TOPIC_INPUT)).isEqualTo("events-in");
        assertThat(c.get(ConfigKeys.TOPIC_PARTITIONS)).isEqualTo(3);
        assertThat(c.bootstrapServers()).isEqualTo(ConfigKeys.DEFAULT_BOOTSTRAP);
        assertThat(c.get(ConfigKeys.TRAIN_CRITIC_HIDDEN)).containsExactly(128, 128);
    }

    @Test
    void laterSourcesWin(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("e.properties");
        Files.writeString(f, "topics.partitions=5\ntopics.input=from-file\ntrain.seed=1\n");
        EarthmoverConfig c = EarthmoverConfig.load(f,
                Map.of("EARTHMOVER_TOPICS_INPUT", "from-env", "EARTHMOVER_TRAIN_SEED", "2", "PATH", "/bin"),
                Map.of("train.seed", "3"));
        assertThat(c.get(ConfigKeys.TOPIC_PARTITIONS)).isEqualTo(5);
        assertThat(c.get(ConfigKeys.TOPIC_INPUT)).isEqualTo("from-env");
        assertThat(c.get(ConfigKeys.TRAIN_SEED)).isEqualTo(3L);
    }

    @Test
    void commandDefaultsRankBelowEverySourceTheUserControls(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("e.properties");
        Files.writeString(f, "train.iterations=7\n");
        Map<String, String> command = Map.of("train.iterations", "500", "train.batch.size", "128", "train.seed", "9",
                "topics.partitions", "4");
        EarthmoverConfig c = EarthmoverConfig.load(command, f, Map.of("EARTHMOVER_TRAIN_BATCH_SIZE", "64"),
                Map.of("train.seed", "3"));
        assertThat(c.get(ConfigKeys.TRAIN_ITERATIONS)).as("the file wins over the command's default").isEqualTo(7);
        assertThat(c.get(ConfigKeys.TRAIN_BATCH)).as("the environment wins").isEqualTo(64);
        assertThat(c.get(ConfigKeys.TRAIN_SEED)).as("the command line wins").isEqualTo(3L);
        assertThat(c.get(ConfigKeys.TOPIC_PARTITIONS)).as("the command's default wins over the built-in one").isEqualTo(4);
    }

    @Test
    void kafkaKeysPassThroughUnchanged() {
        EarthmoverConfig c = EarthmoverConfig.load(null,
                Map.of("EARTHMOVER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
                Map.of("kafka.bootstrap.servers", "b1:9093,b2:9093", "kafka.sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "b1:9093,b2:9093");
    }

    @Test
    void unknownKeyFailsNamingTheKey() {
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("topics.inptu", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topics.inptu").hasMessageContaining("unknown");
        assertThatThrownBy(() -> EarthmoverConfig.load(null, Map.of("EARTHMOVER_NOPE", "1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("kafka.bootstrap.srevers", "x:1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrap.srevers");
    }

    @Test
    void aConditionalModelNeedsAnOlderRecordAndNoEncoder() {
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("train.conditional", "true", "train.encoder", "true")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("train.conditional"))
                .hasMessageContaining("train.encoder");
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("train.conditional", "true", "features.window", "1")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("train.conditional"))
                .hasMessageContaining("features.window");
        assertThat(EarthmoverConfig.of(Map.of("train.conditional", "true", "features.window", "2"))
                .get(ConfigKeys.TRAIN_CONDITIONAL)).isTrue();
    }

    @Test
    void negativePartitionCountFailsWithTheAllowedRange() {
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("topics.partitions", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.partitions").hasMessageContaining("from 1 to");
    }

    @Test
    void malformedBootstrapAddressFails() {
        for (String bad : new String[] {"localhost", "host:port", "host:99999", "", "a:1,,b:2", "http://x:9092"}) {
            assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrap.servers");
        }
        assertThat(EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", "[::1]:9092, kafka-0.kafka:9092"))
                .bootstrapServers()).contains("[::1]:9092");
    }

    @Test
    void invalidTypedValuesFailWithWhatIsAllowed() {
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("features.normaliser", "minmax")))
                .hasMessageContaining("one of standard, robust");
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("topics.create", "yes")))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> EarthmoverConfig.of(Map.of("train.critic.hidden", "128,x")))
                .hasMessageContaining("train.critic.hidden");
    }

    @Test
    void describeMasksSecrets() {
        EarthmoverConfig c = EarthmoverConfig.of(Map.of(
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"hunter2\";",
                "kafka.ssl.truststore.password", "s3cret", "kafka.ssl.key.password", "k3y"));
        String d = c.describe();
        assertThat(d).doesNotContain("hunter2").doesNotContain("s3cret").doesNotContain("k3y")
                .contains("kafka.sasl.jaas.config = ******").contains("topics.input = events-in");
    }

    @Test
    void describeMasksTheInspectionAuthToken() {
        String d = EarthmoverConfig.of(Map.of("inspect.auth.token", "tok-4711")).describe();
        assertThat(d).doesNotContain("tok-4711").contains("inspect.auth.token = ******");
    }

    @Test
    void envNamesMapToDottedKeys() {
        assertThat(EarthmoverConfig.fromEnvName("EARTHMOVER_KAFKA_SASL_JAAS_CONFIG")).isEqualTo("kafka.sasl.jaas.config");
        assertThat(EarthmoverConfig.toEnvName("scorer.stream.threads")).isEqualTo("EARTHMOVER_SCORER_STREAM_THREADS");
    }

    @Test
    void withReappliesValidation() {
        EarthmoverConfig c = EarthmoverConfig.defaults().with(Map.of("topics.partitions", "7"));
        assertThat(c.get(ConfigKeys.TOPIC_PARTITIONS)).isEqualTo(7);
        assertThatThrownBy(() -> c.with(Map.of("topics.partitions", "0"))).isInstanceOf(ConfigException.class);
    }
}
