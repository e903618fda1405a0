package io.earthmover.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.testutil.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerIT {

    @Test
    void producesAndConsumesThroughTheProductTopicsAndDeletesItsDirectory() throws Exception {
        Path dir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            dir = broker.dataDir();
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "topics.partitions", "2"));
            Set<String> created = new TopicAdmin(cfg).ensureTopics();
            assertThat(created).containsExactlyInAnyOrder("events-in", "anomaly-scores", "events-dlq", "events-train", "models",
                    "anomaly-feedback");
            assertThat(new TopicAdmin(cfg).ensureTopics()).as("second call creates nothing").isEmpty();

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                Map<String, TopicDescription> d = admin.describeTopics(List.of("events-in", "models")).allTopicNames().get(30, TimeUnit.SECONDS);
                assertThat(d.get("events-in").partitions()).hasSize(2);
                assertThat(d.get("models").partitions()).hasSize(1);
                var models = new ConfigResource(ConfigResource.Type.TOPIC, "models");
                var conf = admin.describeConfigs(List.of(models)).all().get(30, TimeUnit.SECONDS).get(models);
                assertThat(conf.get("cleanup.policy").value()).isEqualTo("compact");
                assertThat(conf.get("max.message.bytes").value()).isEqualTo(String.valueOf(cfg.get(ConfigKeys.TOPIC_MODELS_MAX_BYTES)));
                var in = new ConfigResource(ConfigResource.Type.TOPIC, "events-in");
                assertThat(admin.describeConfigs(List.of(in)).all().get(30, TimeUnit.SECONDS).get(in).get("max.message.bytes").value())
                        .as("the events topics' limit is topics.max.message.bytes, not the embedded broker's")
                        .isEqualTo(String.valueOf(ConfigKeys.TOPIC_MAX_BYTES.defaultValue()));
            }

            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                for (int i = 0; i < 100; i++) {
                    p.send(new ProducerRecord<>("events-in", ("k" + i % 7).getBytes(StandardCharsets.UTF_8),
                            ("{\"id\":\"" + i + "\",\"features\":[" + i + "]}").getBytes(StandardCharsets.UTF_8)));
                }
                p.flush();
            }
            var read = KafkaTestClients.readUntil(broker.bootstrapServers(), "events-in", Duration.ofSeconds(30), r -> r.size() >= 100);
            assertThat(read).hasSize(100);
            assertThat(read.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                    .contains("{\"id\":\"42\",\"features\":[42]}");
            assertThat(Files.exists(dir)).isTrue();
        }
        assertThat(Files.exists(dir)).as("temporary data directory deleted on close").isFalse();
    }

    @Test
    void restartsOnTheSameDataDirectoryKeepingRecords() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
            new TopicAdmin(cfg).ensureTopics();
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                p.send(new ProducerRecord<>("events-train", "before".getBytes(StandardCharsets.UTF_8))).get();
            }
            broker.stop();
            broker.restart();
            var read = KafkaTestClients.readUntil(broker.bootstrapServers(), "events-train", Duration.ofSeconds(30), r -> !r.isEmpty());
            assertThat(read).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("before");
        }
    }

    @Test
    void keepsRecordsWithHistoricTimestampsThroughItsRetentionChecks() throws Exception {
        // a retention check every 200 ms: with Kafka's default retention (7 days by record timestamp) the
        // first one would delete every record below stamped in 2014 (evaluate replays NAB's and SKAB's
        // historic timestamps), active segment included, while a consumer was still behind
        var checks = Map.of("log.retention.check.interval.ms", "200", "log.initial.task.delay.ms", "0");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults().withProperties(checks))) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
            new TopicAdmin(cfg).ensureTopics();
            long t2014 = java.time.Instant.parse("2014-04-01T00:00:00Z").toEpochMilli();
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                for (int i = 0; i < 20; i++) {
                    p.send(new ProducerRecord<>("events-in", null, t2014 + i * 300_000L, null,
                            ("{\"id\":\"" + i + "\",\"features\":[" + i + "]}").getBytes(StandardCharsets.UTF_8))).get();
                }
            }
            Thread.sleep(2_000);
            var read = KafkaTestClients.readUntil(broker.bootstrapServers(), "events-in", Duration.ofSeconds(10), r -> r.size() >= 20);
            assertThat(read).as("records after %d retention checks", 10).hasSize(20);
        }
    }
}
