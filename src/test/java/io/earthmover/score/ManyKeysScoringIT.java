package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.KeyStandardiser;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.model.ModelBundle;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.TestBundles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many keys, one model, on a real broker: 120 keys whose levels and noise differ by far more than
 * their noise, standardised per key, with a spike planted in every fourth key. Every input comes out
 * exactly once, each key in its own order, warming up for exactly its standardiser's warm-up, and
 * the alarm layer flags the spikes without flagging whole keys.
 */
class ManyKeysScoringIT {
    private static final List<String> NAMES = List.of("cpu", "mem");
    private static final int KEYS = 120;
    private static final int PER_KEY = 120;
    private static final int SPIKE_AT = 90;

    @TempDir
    Path tmp;

    @Test
    void everyRecordOfEveryKeyComesOutOnceAndSpikesAlarmInTheKeysOwnScale() throws Exception {
        ModelBundle model = TestBundles.bundle(NAMES, true, 1, 3).withKeyStandardise(true);
        Path modelFile = tmp.resolve("model.zip");
        model.write(modelFile);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "metrics.port", "0", "scorer.state.dir", tmp.resolve("state").toString(), "topics.partitions", "3",
                    "scorer.model.source", "file", "scorer.model.file", modelFile.toString()));
            try (ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                app.start(Duration.ofSeconds(60));
                Random rnd = new Random(5);
                List<Future<?>> sends = new ArrayList<>();
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                    double[][] level = new double[KEYS][2];
                    double[] sigma = new double[KEYS];
                    for (int k = 0; k < KEYS; k++) {
                        level[k][0] = 10 + 80 * rnd.nextDouble();
                        level[k][1] = 10 + 80 * rnd.nextDouble();
                        sigma[k] = 0.5 * Math.pow(10, rnd.nextDouble());
                    }
                    for (int i = 0; i < PER_KEY; i++) {
                        for (int k = 0; k < KEYS; k++) {
                            double spike = k % 4 == 0 && i == SPIKE_AT ? 10 * sigma[k] : 0;
                            String json = String.format(java.util.Locale.ROOT,
                                    "{\"id\":\"k%d-%d\",\"ts\":%d,\"features\":{\"cpu\":%.5f,\"mem\":%.5f}}", k, i,
                                    1000L * (i + 1), level[k][0] + sigma[k] * rnd.nextGaussian() + spike,
                                    level[k][1] + sigma[k] * rnd.nextGaussian());
                            sends.add(p.send(new ProducerRecord<>("events-in", ("k" + k).getBytes(UTF_8), json.getBytes(UTF_8))));
                        }
                    }
                    p.flush();
                }
                for (var f : sends) {
                    f.get();
                }
                List<ConsumerRecord<byte[], byte[]>> out = KafkaTestClients.readUntil(broker.bootstrapServers(),
                        "anomaly-scores", Duration.ofSeconds(120), r -> r.size() >= KEYS * PER_KEY);
                Map<String, Integer> seen = new HashMap<>();
                Map<String, Integer> lastIndex = new HashMap<>();
                Map<String, Integer> warming = new HashMap<>();
                int spikesFlagged = 0;
                int otherFlags = 0;
                for (var r : out) {
                    ScoreRecord s = ScoreRecord.parse(r.value());
                    seen.merge(s.id(), 1, Integer::sum);
                    String key = new String(r.key(), UTF_8);
                    int index = Integer.parseInt(s.id().substring(s.id().indexOf('-') + 1));
                    assertThat(index).as("key %s in order", key).isGreaterThan(lastIndex.getOrDefault(key, -1));
                    lastIndex.put(key, index);
                    if (s.warmingUp()) {
                        warming.merge(key, 1, Integer::sum);
                    }
                    int k = Integer.parseInt(key.substring(1));
                    if (s.anomaly() && k % 4 == 0 && index == SPIKE_AT) {
                        spikesFlagged++;
                    } else if (s.anomaly()) {
                        otherFlags++;
                    }
                }
                assertThat(seen).as("every input exactly once").hasSize(KEYS * PER_KEY);
                assertThat(seen.values()).allMatch(n -> n == 1);
                assertThat(warming).hasSize(KEYS).allSatisfy((k, n) -> assertThat(n).isEqualTo(KeyStandardiser.WARMUP));
                assertThat(spikesFlagged).as("spikes of 10 of the key's own std").isGreaterThanOrEqualTo(KEYS / 4 * 9 / 10);
                assertThat(otherFlags).as("false alarms and repeats, over %d normal records", KEYS * PER_KEY)
                        .isLessThan(KEYS / 10);
            }
        }
    }
}
