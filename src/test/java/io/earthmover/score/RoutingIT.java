package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.ModelTopic;
import io.earthmover.kafka.TopicAdmin;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.ErrorCode;
import io.earthmover.testutil.Http;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.TestBundles;
import io.earthmover.testutil.Wait;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URLEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One routed scorer, three models, 1,000 keys on a real broker: the three bundles are on the models
 * topic before the scorer starts, it routes by key prefix, and every record comes out exactly once,
 * scored by the model its key names (name and version in the score) or, where the key names no
 * loaded model, as a NO_MODEL dead letter.
 */
class RoutingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("cpu", "mem");
    private static final List<String> MODELS = List.of("db", "web", "queue");
    private static final int KEYS = 1000;
    private static final int PER_KEY = 3;

    @TempDir
    Path tmp;

    @Test
    void everyRecordIsScoredOnceByTheModelItsKeyNames() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = routedScorer(broker.bootstrapServers());
            new TopicAdmin(cfg).ensureTopics();
            Map<String, String> versions = new HashMap<>();
            for (int m = 0; m < MODELS.size(); m++) {
                ModelBundle b = TestBundles.bundle(NAMES, true, 1, 21 + m);
                versions.put(MODELS.get(m), b.version());
                ModelTopic.publish(KafkaProps.producer(cfg), "models", MODELS.get(m), b.toBytes(), Duration.ofSeconds(30));
            }
            // a fourth name: beyond routing.max.models, refused, and its keys' records are NO_MODEL
            ModelTopic.publish(KafkaProps.producer(cfg), "models", "extra", TestBundles.bytes(NAMES, true, 1, 29),
                    Duration.ofSeconds(30));
            try (ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                app.start(Duration.ofSeconds(120));
                // the scorer starts once the models topic is read to its end: all three serve before the first record
                assertThat(app.models().all()).extracting(ModelSet.Served::name).containsExactlyInAnyOrderElementsOf(MODELS);
                assertThat(app.metrics().modelRejectedCount(ModelSet.TOO_MANY_MODELS)).isEqualTo(1);

                Map<String, String> expectedModel = new HashMap<>();
                List<String> expectedDlq = new ArrayList<>();
                List<Future<?>> sends = new ArrayList<>();
                Random rnd = new Random(3);
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                    for (int i = 0; i < PER_KEY; i++) {
                        for (int k = 0; k < KEYS; k++) {
                            String key = key(k);
                            String id = "k" + k + "-" + i;
                            String json = String.format(java.util.Locale.ROOT,
                                    "{\"id\":\"%s\",\"ts\":%d,\"features\":{\"cpu\":%.4f,\"mem\":%.4f}}", id, 1000L * (i + 1),
                                    rnd.nextGaussian(), rnd.nextGaussian());
                            String model = k % 4 == 3 ? null : MODELS.get(k % 4);
                            if (model == null) {
                                expectedDlq.add(id);
                            } else {
                                expectedModel.put(id, model);
                            }
                            RecordHeaders h = new RecordHeaders();
                            h.add("test.id", id.getBytes(UTF_8));
                            sends.add(p.send(new ProducerRecord<>("events-in", null, key.getBytes(UTF_8), json.getBytes(UTF_8), h)));
                        }
                    }
                    p.flush();
                }
                for (var f : sends) {
                    f.get();
                }
                List<ConsumerRecord<byte[], byte[]>> scores = KafkaTestClients.readUntil(broker.bootstrapServers(),
                        "anomaly-scores", Duration.ofSeconds(120), r -> r.size() >= expectedModel.size());
                List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTestClients.readUntil(broker.bootstrapServers(),
                        "events-dlq", Duration.ofSeconds(60), r -> r.size() >= expectedDlq.size());
                Map<String, Integer> seen = new HashMap<>();
                Map<String, Integer> perModel = new HashMap<>();
                for (var r : scores) {
                    String id = testId(r);
                    seen.merge(id, 1, Integer::sum);
                    ScoreRecord s = ScoreRecord.parse(r.value());
                    String model = expectedModel.get(id);
                    assertThat(s.modelName()).as(id).isEqualTo(model);
                    assertThat(s.model()).as(id).isEqualTo(versions.get(model));
                    assertThat(new String(r.key(), UTF_8)).startsWith(model + ":");
                    perModel.merge(model, 1, Integer::sum);
                }
                for (var r : dlq) {
                    String id = testId(r);
                    seen.merge(id, 1, Integer::sum);
                    assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR_CODE)).as(id).isEqualTo(ErrorCode.NO_MODEL.name());
                    assertThat(expectedDlq).contains(id);
                }
                assertThat(seen).as("every input exactly once in scores or DLQ").hasSize(KEYS * PER_KEY);
                assertThat(seen.values()).allMatch(n -> n == 1);
                assertThat(perModel).containsOnlyKeys(MODELS).allSatisfy((m, n) -> assertThat(n).isEqualTo(KEYS / 4 * PER_KEY));

                String base = "http://127.0.0.1:" + app.httpPort();
                String metrics = Http.get(base + "/metrics").body();
                for (String m : MODELS) {
                    assertThat(metrics).contains("earthmover_model_records_scored_total{model=\"" + m + "\"} " + (KEYS / 4 * PER_KEY) + ".0",
                            "earthmover_model_serving{model=\"" + m + "\",version=\"" + versions.get(m) + "\"} 1",
                            "earthmover_model_drift_wasserstein{model=\"" + m + "\"}");
                }
                assertThat(metrics).doesNotContain("model=\"extra\"");
                // the inspection API names the model that scored the key
                String key = key(1);
                Wait.until(() -> status(base + "/api/keys/" + URLEncoder.encode(key, UTF_8)) == 200, 30);
                JsonNode k = JSON.readTree(Http.get(base + "/api/keys/" + URLEncoder.encode(key, UTF_8)).body());
                assertThat(k.path("state").path("modelName").asText()).isEqualTo("web");
                assertThat(k.path("state").path("model").asText()).isEqualTo(versions.get("web"));
            }
        }
    }

    /** Routing by key prefix, at most the three models. */
    private EarthmoverConfig routedScorer(String bootstrap) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", bootstrap);
        m.put("metrics.host", "127.0.0.1");
        m.put("metrics.port", "0");
        m.put("scorer.state.dir", tmp.resolve("state").toString());
        m.put("topics.partitions", "3");
        m.put("routing.mode", "key-prefix");
        m.put("routing.max.models", String.valueOf(MODELS.size()));
        return EarthmoverConfig.of(m);
    }

    /** Key k: its model's name and a colon for keys 0, 1, 2 (mod 4); keys 3 (mod 4) alternate no prefix and an unknown model. */
    private static String key(int k) {
        return switch (k % 4) {
            case 3 -> k % 8 == 3 ? "host-" + k : "extra:host-" + k;
            default -> MODELS.get(k % 4) + ":host-" + k;
        };
    }

    private static int status(String url) {
        try {
            return Http.get(url).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String testId(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader("test.id").value(), UTF_8);
    }
}
