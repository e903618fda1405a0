package io.earthmover.train;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.ModelTopic;
import io.earthmover.kafka.TopicAdmin;
import io.earthmover.kafka.TopicRange;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.FileRecords;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.Wait;
import io.earthmover.testutil.NormalData;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train from a topic (operators' feedback read from its topic), publish, hot-swap in a running scorer; a bad retrain is refused and the old model stays. */
class TrainJobIT {
    private static final Map<String, String> FAST = Map.of("train.iterations", "400", "train.batch.size", "128",
            "train.critic.hidden", "64,64", "train.generator.hidden", "64,64", "train.learning.rate", "0.0005",
            "train.early.stop.patience", "0");

    @TempDir
    Path tmp;

    private TrainJob.Result train(EarthmoverConfig cfg, TopicRange range) {
        return new TrainJob(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null).run(new TrainJob.Request(
                "events-train", range, null, FileRecords.Options.defaults(), tmp.resolve("models"), true, false, null,
                Duration.ofSeconds(30)));
    }

    @Test
    void trainsPublishesSwapsAndRefusesABadRetrain() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "metrics.port", "0", "scorer.state.dir", tmp.resolve("state").toString())).with(FAST);
            new TopicAdmin(cfg).ensureTopics();
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                NormalData.produce(p, "events-train", 3000, 1, 1_700_000_000_000L);
                p.send(new ProducerRecord<>("events-train", "k0".getBytes(UTF_8), "garbage".getBytes(UTF_8)));
                // an operator marked record 5 (key k2) as a missed anomaly: the training from the topic leaves it out
                p.send(new ProducerRecord<>("anomaly-feedback", "k2".getBytes(UTF_8),
                        "{\"key\":\"k2\",\"id\":\"t1-5\",\"label\":\"missed_anomaly\"}".getBytes(UTF_8)));
                p.flush();
            }
            TrainJob.Result first = train(cfg, TopicRange.all());
            assertThat(first.status()).as(first.message()).isEqualTo(TrainJob.Status.PUBLISHED);
            assertThat(Files.exists(first.bundleFile())).isTrue();
            assertThat(first.bundleFile().getFileName().toString()).isEqualTo(first.bundle().version() + ".zip");
            assertThat(first.data()).containsEntry("source", "topic").containsEntry("accepted", 2999L)
                    .containsEntry("feedbackLabels", 1).containsEntry("feedbackExcluded", 1L);
            assertThat(first.data().get("rejected")).isEqualTo(Map.of("MALFORMED_JSON", 1L));
            assertThat(first.bundle().manifest().trainingData()).containsKey("partitions");

            try (ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                app.start(Duration.ofSeconds(60));
                assertThat(app.holder().current().version()).isEqualTo(first.bundle().version());

                // second run on the last 2000 records per partition: a new version the scorer takes without a restart
                EarthmoverConfig seed2 = cfg.with(Map.of("train.seed", "2"));
                TrainJob.Result second = train(seed2, TopicRange.last(2000));
                assertThat(second.status()).as(second.message()).isEqualTo(TrainJob.Status.PUBLISHED);
                assertThat(second.decision().current()).as("gated against the first model").isNotNull();
                Wait.until(() -> app.holder().current().version().equals(second.bundle().version()), 60);
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                    p.send(new ProducerRecord<>("events-in", "k0".getBytes(UTF_8),
                            NormalData.record(new Random(5), "after-swap", 1_700_000_100_000L).getBytes(UTF_8))).get();
                }
                var out = KafkaTestClients.readUntil(broker.bootstrapServers(), "anomaly-scores", Duration.ofSeconds(60), r -> !r.isEmpty());
                assertThat(new ObjectMapper().readTree(out.get(0).value()).get("model").asText()).isEqualTo(second.bundle().version());

                // a deliberately bad configuration: one iteration learns nothing, the gate refuses it
                TrainJob.Result bad = train(cfg.with(Map.of("train.iterations", "1", "train.seed", "3")), TopicRange.all());
                assertThat(bad.status()).as(bad.message()).isEqualTo(TrainJob.Status.GATE_REJECTED);
                assertThat(bad.bundleFile()).isNull();
                assertThat(Files.exists(tmp.resolve("models").resolve(bad.bundle().version() + ".zip"))).isFalse();
                byte[] latest = ModelTopic.latest(KafkaProps.consumer(cfg), "models", "default", Duration.ofSeconds(30)).orElseThrow();
                assertThat(ModelBundle.fromBytes(latest).version()).isEqualTo(second.bundle().version());
                Thread.sleep(1000);
                assertThat(app.holder().current().version()).isEqualTo(second.bundle().version());
            }
        }
    }

    @Test
    void failsClearlyOnAMissingTopicAndAnUnreachableBroker() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
            TrainJob.Result r = new TrainJob(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null).run(new TrainJob.Request(
                    "no-such-topic", TopicRange.all(), null, FileRecords.Options.defaults(), tmp, false, false, null,
                    Duration.ofSeconds(10)));
            assertThat(r.status()).isEqualTo(TrainJob.Status.FAILED);
            assertThat(r.message()).contains("'no-such-topic' does not exist");
        }
        int closedPort = EmbeddedKafkaBroker.freePort();
        EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:" + closedPort));
        TrainJob.Result r = new TrainJob(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null).run(new TrainJob.Request(
                "events-train", TopicRange.all(), null, FileRecords.Options.defaults(), tmp, false, false, null, Duration.ofSeconds(5)));
        assertThat(r.status()).isEqualTo(TrainJob.Status.FAILED);
        assertThat(r.message()).contains("127.0.0.1:" + closedPort);
    }

}
