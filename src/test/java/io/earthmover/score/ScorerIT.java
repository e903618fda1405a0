package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.ModelTopic;
import io.earthmover.model.ModelBundle;
import io.earthmover.testutil.Http;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.Wait;
import io.earthmover.testutil.TestBundles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer on a real broker: a trained model published to the models topic, 10,000 mixed records
 * (6 % malformed, 1 % planted outliers), every input exactly once in scores or DLQ.
 */
class ScorerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("cpu", "disk", "mem");
    private static final int RECORDS = 10_000;

    @TempDir
    Path tmp;

    @Test
    void scoresEveryRecordOnceAndFlagsPlantedOutliers() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "metrics.port", "0", "scorer.state.dir", tmp.resolve("state").toString(), "topics.partitions", "3"));
            ModelBundle model = TestBundles.bundle(NAMES, true, 1, 7);
            try (ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                Thread starter = new Thread(() -> app.start(Duration.ofSeconds(120)));
                starter.start();
                // the scorer waits for a model: publish it once topics exist
                Wait.until(() -> topicExists(broker, "models"), 60);
                ModelTopic.publish(KafkaProps.producer(cfg), "models", "default", model.toBytes(), Duration.ofSeconds(30));
                starter.join(120_000);
                assertThat(app.holder().current().version()).isEqualTo(model.version());

                Random rnd = new Random(11);
                Set<String> outliers = new HashSet<>();
                Map<String, String> expectedDlq = new HashMap<>();
                List<java.util.concurrent.Future<?>> sends = new java.util.ArrayList<>();
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                    for (int i = 0; i < RECORDS; i++) {
                        String id = "r" + i;
                        String value;
                        if (i % 17 == 3) {
                            String[] bad = {"{\"features\":{\"cpu\":1", "not json", "{\"features\":{\"cpu\":NaN,\"disk\":1,\"mem\":1}}",
                                    "{\"features\":[1,2,3]}", "{\"features\":{\"cpu\":1,\"disk\":1}}", "{\"features\":{\"cpu\":1,\"disk\":1,\"mem\":1,\"gpu\":1}}"};
                            String[] codes = {"MALFORMED_JSON", "MALFORMED_JSON", "NON_FINITE", "WRONG_TYPE", "MISSING_FEATURES", "UNKNOWN_FEATURE"};
                            int k = (i / 17) % bad.length;
                            value = bad[k];
                            expectedDlq.put(id, codes[k]);
                        } else if (i % 100 == 50) {
                            value = String.format("{\"id\":\"%s\",\"features\":{\"cpu\":%.3f,\"disk\":%.3f,\"mem\":%.3f}}", id,
                                    7 + rnd.nextDouble(), -7 - rnd.nextDouble(), 7 + rnd.nextDouble());
                            outliers.add(id);
                        } else {
                            value = String.format("{\"id\":\"%s\",\"features\":{\"cpu\":%.4f,\"disk\":%.4f,\"mem\":%.4f}}", id,
                                    rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian());
                        }
                        RecordHeaders h = new RecordHeaders();
                        h.add("test.id", id.getBytes(UTF_8));
                        sends.add(p.send(new ProducerRecord<>("events-in", null, ("host-" + i % 5).getBytes(UTF_8), value.getBytes(UTF_8), h)));
                    }
                    p.flush();
                }
                for (var f : sends) {
                    f.get(); // every input really written: the counts below are then exact
                }
                assertThat(expectedDlq.size()).isGreaterThanOrEqualTo(RECORDS * 5 / 100);

                Map<String, Integer> seen = new HashMap<>();
                List<ConsumerRecord<byte[], byte[]>> scores = KafkaTestClients.readUntil(broker.bootstrapServers(),
                        "anomaly-scores", Duration.ofSeconds(120), r -> r.size() >= RECORDS - expectedDlq.size());
                List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTestClients.readUntil(broker.bootstrapServers(),
                        "events-dlq", Duration.ofSeconds(60), r -> r.size() >= expectedDlq.size());
                int flagged = 0;
                for (var r : scores) {
                    String id = testId(r);
                    seen.merge(id, 1, Integer::sum);
                    JsonNode j = JSON.readTree(r.value());
                    assertThat(j.get("model").asText()).isEqualTo(model.version());
                    assertThat(j.get("id").asText()).isEqualTo(id);
                    assertThat(j.get("anomaly").asBoolean()).as(id)
                            .isEqualTo(j.get("alarmScore").asDouble() >= j.get("alarmThreshold").asDouble());
                    if (outliers.contains(id)) {
                        assertThat(j.get("score").asDouble()).as("planted outlier %s", id)
                                .isGreaterThanOrEqualTo(j.get("threshold").asDouble());
                        flagged++;
                        if (id.equals("r50")) {
                            // the key's first outlier alarms; later ones, 1 in 20 of its records, are part of
                            // the key's history by then, which is what its likelihood is for
                            assertThat(j.get("anomaly").asBoolean()).isTrue();
                        }
                    }
                }
                for (var r : dlq) {
                    String id = testId(r);
                    seen.merge(id, 1, Integer::sum);
                    assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR_CODE)).as(id).isEqualTo(expectedDlq.get(id));
                }
                assertThat(seen).as("every input exactly once in scores or DLQ").hasSize(RECORDS);
                assertThat(seen.values()).allMatch(n -> n == 1);
                assertThat(flagged).isEqualTo(outliers.size());

                String base = "http://127.0.0.1:" + app.httpPort();
                Http.Response metrics = Http.get(base + "/metrics");
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.body()).contains("earthmover_records_in_total", "earthmover_records_scored_total",
                        "earthmover_records_rejected_total{code=\"MALFORMED_JSON\"}", "earthmover_score_bucket",
                        "earthmover_latency_end_to_end_seconds_bucket", "earthmover_model_serving", "kafka_consumer");
                assertThat(Http.get(base + "/health/ready").status()).isEqualTo(200);
                assertThat(Http.get(base + "/health/live").status()).isEqualTo(200);
            }
        }
        assertThat(Files.exists(tmp.resolve("state"))).isTrue();
    }

    private static String testId(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader("test.id").value(), UTF_8);
    }

    private static boolean topicExists(EmbeddedKafkaBroker broker, String topic) {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.listTopics().names().get().contains(topic);
        } catch (Exception e) {
            return false;
        }
    }

}
