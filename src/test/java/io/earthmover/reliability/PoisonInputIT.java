package io.earthmover.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.metrics.MetricNames;
import io.earthmover.record.ErrorCode;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.Http;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.TestBundles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, test 3: a corpus of malformed records (over 70 kinds) interleaved with valid ones at a
 * 10 % rate, against a scorer with a named-feature model and one with a positional model. Every
 * bad record lands in the DLQ exactly once with its code, every valid one is scored exactly once,
 * the rejection counters match, and the scorer is still running and ready at the end.
 */
class PoisonInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("cpu", "disk", "mem");
    /** Each bad kind is sent this many times, at different points of the stream. */
    private static final int REPEATS = 2;

    @TempDir
    Path tmp;

    private record Lane(String name, String in, String scores, String dlq, List<PoisonCorpus.Kind> kinds, boolean named) {
    }

    @Test
    void deadLettersEveryBadRecordWithItsCodeAndScoresEveryValidOne() throws Exception {
        List<PoisonCorpus.Kind> named = PoisonCorpus.named();
        List<PoisonCorpus.Kind> positional = PoisonCorpus.positional();
        assertThat(named.size() + positional.size()).as("kinds of malformed record").isGreaterThanOrEqualTo(50);
        List<Lane> lanes = List.of(
                new Lane("named", "events-in", "anomaly-scores", "events-dlq", named, true),
                new Lane("positional", "events-in-array", "anomaly-scores-array", "events-dlq-array", positional, false));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (Lane lane : lanes) {
                runLane(broker, lane);
            }
        }
    }

    private void runLane(EmbeddedKafkaBroker broker, Lane lane) throws Exception {
        Path model = tmp.resolve(lane.name() + ".zip");
        Files.write(model, TestBundles.bytes(NAMES, lane.named(), 1, 7));
        EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "metrics.port", "0", "scorer.state.dir", tmp.resolve("state-" + lane.name()).toString(),
                "scorer.application.id", "poison-" + lane.name(), "scorer.model.source", "file",
                "scorer.model.file", model.toString(), "topics.input", lane.in(), "topics.scores", lane.scores(),
                "topics.dlq", lane.dlq(), "topics.max.message.bytes", String.valueOf(8 << 20)));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ScorerApp app = new ScorerApp(cfg, registry)) {
            app.start(Duration.ofSeconds(60));
            Map<String, ErrorCode> expectedBad = new LinkedHashMap<>();
            Map<String, String> kindOf = new HashMap<>();
            Set<String> valid = new HashSet<>();
            List<PoisonCorpus.Kind> edge = lane.named() ? PoisonCorpus.validEdgeCases() : List.of();
            int bad = lane.kinds().size() * REPEATS;
            int total = bad * 10; // bad records are 10 % of the stream
            Random rnd = new Random(3);
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                int b = 0;
                for (int i = 0; i < total; i++) {
                    String id = lane.name() + "-" + i;
                    byte[] value;
                    if (i % 10 == 9) {
                        PoisonCorpus.Kind k = lane.kinds().get(b++ % lane.kinds().size());
                        value = k.value();
                        expectedBad.put(id, k.expected());
                        kindOf.put(id, k.name());
                    } else if (i % 10 == 4 && !edge.isEmpty()) {
                        PoisonCorpus.Kind k = edge.get((i / 10) % edge.size());
                        value = k.value();
                        kindOf.put(id, k.name());
                        valid.add(id);
                    } else {
                        value = (lane.named()
                                ? String.format("{\"id\":\"%s\",\"features\":{\"cpu\":%.4f,\"disk\":%.4f,\"mem\":%.4f}}", id,
                                        rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian())
                                : String.format("{\"id\":\"%s\",\"features\":[%.4f,%.4f,%.4f]}", id,
                                        rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian())).getBytes(UTF_8);
                        valid.add(id);
                    }
                    RecordHeaders h = new RecordHeaders();
                    h.add(Ledger.ID_HEADER, id.getBytes(UTF_8));
                    p.send(new ProducerRecord<>(lane.in(), null, ("host-" + i % 5).getBytes(UTF_8), value, h));
                }
                p.flush();
            }
            Waits.until("all " + total + " records of lane " + lane.name() + " processed", Duration.ofSeconds(120),
                    () -> registry.get(MetricNames.RECORDS_IN).counter().count() >= total);
            // Counted in is not yet written out: the outputs of the last batch may still be in the
            // producer's buffer, so wait until they are readable (CI saw 843 of 1540 without this).
            List<List<ConsumerRecord<byte[], byte[]>>> read = new ArrayList<>(List.of(List.of(), List.of()));
            Waits.until("all " + total + " records of lane " + lane.name() + " written out", Duration.ofSeconds(120), () -> {
                read.set(0, Ledger.readAll(broker.bootstrapServers(), lane.scores(), false));
                read.set(1, Ledger.readAll(broker.bootstrapServers(), lane.dlq(), false));
                return Ledger.Counted.of(read.get(0), read.get(1)).distinct() >= total;
            });
            var scores = read.get(0);
            Ledger.Counted c = Ledger.Counted.of(scores, read.get(1));
            System.out.println(c.report("poison/" + lane.name(), total) + String.format(" | injected bad %d (%d kinds x %d) + valid %d",
                    expectedBad.size(), lane.kinds().size(), REPEATS, valid.size()));

            assertThat(c.outputs() + c.deadLetters()).as("in = out + dlq").isEqualTo(total);
            assertThat(c.duplicates()).as("no record is output twice").isEmpty();
            Map<String, String> wrong = new LinkedHashMap<>();
            expectedBad.forEach((id, code) -> {
                String got = c.codes().get(id);
                if (!code.name().equals(got) || c.scored().containsKey(id)) {
                    wrong.put(kindOf.get(id), "expected " + code + ", got " + (c.scored().containsKey(id) ? "a score" : got));
                }
            });
            assertThat(wrong).as("bad records with a wrong outcome").isEmpty();
            for (var r : scores) {
                String id = Ledger.id(r);
                assertThat(valid).as("scored id %s is a valid record", id).contains(id);
                JsonNode j = JSON.readTree(r.value());
                assertThat(j.get("score").isNumber() && Double.isFinite(j.get("score").asDouble()))
                        .as("finite score for %s (%s): %s", id, kindOf.getOrDefault(id, "normal"), j).isTrue();
                if (PoisonCorpus.LONE_SURROGATE.equals(kindOf.get(id))) {
                    assertThat(new String(r.value(), UTF_8)).as("id echoed exactly").startsWith("{\"id\":\"e-\\ud800-lone\",");
                }
            }
            assertThat(c.scored().keySet()).as("every valid record scored").containsExactlyInAnyOrderElementsOf(valid);

            Map<ErrorCode, Long> perCode = new EnumMap<>(ErrorCode.class);
            expectedBad.values().forEach(code -> perCode.merge(code, 1L, Long::sum));
            perCode.forEach((code, n) -> {
                Counter counter = registry.find(MetricNames.RECORDS_REJECTED).tag(MetricNames.TAG_CODE, code.name()).counter();
                assertThat(counter == null ? 0 : (long) counter.count()).as("rejected counter for %s", code).isEqualTo(n);
            });
            System.out.println("[poison/" + lane.name() + "] DLQ by code: " + perCode);
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(Http.get("http://127.0.0.1:" + app.httpPort() + "/health/ready").status()).isEqualTo(200);
        }
    }
}
