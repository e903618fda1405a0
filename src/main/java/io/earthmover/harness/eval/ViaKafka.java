package io.earthmover.harness.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.ScorerApp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code --via-kafka}: replays what a {@link WganDetector} scored through the real service — an
 * embedded broker, {@link ScorerApp}'s Kafka Streams topology — and returns the scores read back
 * from {@code anomaly-scores}. Each model the detector used is handed to the scorer (as the
 * scorer's file or topic source would) before the rows it served are produced, and those rows'
 * scores are read before the next model goes in, so every row meets the same model in both paths.
 *
 * <p>Rows go out as {@code {"id","ts","features":[..]}} keyed by one key per replay; {@code ts} is
 * the row's position (one second apart), so event-time order is the file's order. The scorer's
 * {@code score} and {@code critic} go through the detector's output mapping ({@link WganOutput},
 * from its state before the first row: {@link ScoringTrace#outputs}), as in-process. The window
 * state lives in the topology's state store, as in production. Each replay also counts how many
 * scores are identical to the in-process ones ({@link #equality()}).
 */
public final class ViaKafka implements AutoCloseable {
    /** Event time of the first replayed row; later rows follow one second apart. */
    static final long BASE_TS = 1_700_000_000_000L;
    static final long TS_STEP = 1000L;
    static final Duration MODEL_WAIT = Duration.ofSeconds(60);
    /** Longest wait for one model's scores; a record on the DLQ would otherwise hang the run. */
    static final Duration SEGMENT_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SOURCE = "evaluate";

    /** How the Kafka scores compared with the in-process ones. */
    public record Equality(long compared, long identical, double maxAbsDifference) {
        public boolean allIdentical() {
            return compared == identical;
        }

        @Override
        public String toString() {
            return String.format("%d of %d scores identical to the in-process path (max |difference| %.3g)",
                    identical, compared, maxAbsDifference);
        }
    }

    private final Path stateDir;
    private final EmbeddedKafkaBroker broker;
    private final EarthmoverConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private ScorerApp app;
    private KafkaConsumer<byte[], byte[]> consumer;
    private int replays;
    private int apps;
    private long compared;
    private long identical;
    private double maxDiff;

    private ViaKafka(Path stateDir, EmbeddedKafkaBroker broker) {
        this.stateDir = stateDir;
        this.broker = broker;
        this.config = EarthmoverConfig.of(Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "metrics.port", "0",
                "topics.partitions", "1",
                "scorer.state.dir", stateDir.toString()));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Starts an embedded broker; the scorer starts with the first model replayed. */
    public static ViaKafka start() {
        return new ViaKafka(TempDirectories.create("earthmover-eval-kafka"), EmbeddedKafkaBroker.start());
    }

    /**
     * Scores the trace's rows through Kafka. Rows the detector scored without a model (0) are not
     * sent and stay 0.
     *
     * @return one score per scored row of the trace, in order
     */
    public double[] replay(String name, ScoringTrace trace) {
        List<double[]> rows = trace.rows();
        List<ScoringTrace.Swap> swaps = trace.swaps();
        if (swaps.isEmpty()) {
            return new double[rows.size()];
        }
        double[] calibrated = new double[rows.size()];
        double[] critic = new double[rows.size()];
        byte[] key = (name + "#" + (replays++)).getBytes(StandardCharsets.UTF_8);
        long seq = 0;
        for (int k = 0; k < swaps.size(); k++) {
            ScoringTrace.Swap sw = swaps.get(k);
            load(sw.bundle().toBytes(), sw.bundle().version());
            int from = sw.fromRow();
            int to = k + 1 < swaps.size() ? swaps.get(k + 1).fromRow() : rows.size();
            int expected = 0;
            if (k == 0) {
                for (double[] h : trace.history()) {
                    send(key, "h" + expected, BASE_TS + TS_STEP * seq++, h);
                    expected++;
                }
            }
            for (int i = from; i < to; i++) {
                send(key, Integer.toString(i), BASE_TS + TS_STEP * seq++, rows.get(i));
                expected++;
            }
            producer.flush();
            if (sendFailure.get() != null) {
                throw new IllegalStateException("producing to Kafka failed: " + sendFailure.get(), sendFailure.get());
            }
            collect(key, expected, calibrated, critic);
        }
        double[] out = trace.outputs(calibrated, critic);
        double[] local = trace.scores();
        for (int i = trace.firstModelRow(); i < out.length; i++) {
            compared++;
            if (Double.compare(out[i], local[i]) == 0) {
                identical++;
            }
            maxDiff = Math.max(maxDiff, Math.abs(out[i] - local[i]));
        }
        return out;
    }

    /** Totals over every replay so far. */
    public Equality equality() {
        return new Equality(compared, identical, maxDiff);
    }

    private void load(byte[] bundle, String version) {
        if (app == null) {
            startApp(bundle, version);
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TopicPartition tp = new TopicPartition(config.get(ConfigKeys.TOPIC_SCORES), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            return;
        }
        ModelHolder.Outcome o = app.offer(bundle, SOURCE);
        if (o instanceof ModelHolder.Refused r && r.reason().equals("incompatible")) {
            // other features or window: as in production, that takes a new scorer application
            app.close();
            startApp(bundle, version);
        } else if (o instanceof ModelHolder.Refused r) {
            throw new IllegalStateException("the scorer refused model " + version + ": " + r.message());
        }
    }

    private void startApp(byte[] bundle, String version) {
        EarthmoverConfig c = config.with(Map.of("scorer.application.id", "earthmover-eval-" + (apps++)));
        app = new ScorerApp(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        ModelHolder.Outcome o = app.offer(bundle, SOURCE);
        if (o instanceof ModelHolder.Refused r) {
            throw new IllegalStateException("the scorer refused model " + version + ": " + r.message());
        }
        app.start(MODEL_WAIT);
    }

    private void send(byte[] key, String id, long ts, double[] row) {
        StringBuilder sb = new StringBuilder(32 + 24 * row.length);
        sb.append("{\"id\":\"").append(id).append("\",\"ts\":").append(ts).append(",\"features\":[");
        for (int j = 0; j < row.length; j++) {
            sb.append(j == 0 ? "" : ",").append(row[j]);
        }
        sb.append("]}");
        producer.send(new ProducerRecord<>(config.get(ConfigKeys.TOPIC_INPUT), key,
                sb.toString().getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    }
                });
    }

    /** Reads this key's next {@code expected} scores; history rows ("h…") only warm the window up. */
    private void collect(byte[] key, int expected, double[] calibrated, double[] critic) {
        long deadline = System.nanoTime() + SEGMENT_TIMEOUT.toNanos();
        int got = 0;
        while (got < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + got + " of " + expected + " scores arrived on "
                        + config.get(ConfigKeys.TOPIC_SCORES) + " within " + SEGMENT_TIMEOUT + " (see "
                        + config.get(ConfigKeys.TOPIC_DLQ) + ")");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (!java.util.Arrays.equals(r.key(), key)) {
                    continue;
                }
                got++;
                JsonNode j;
                try {
                    j = JSON.readTree(r.value());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                String id = j.get("id").asText();
                if (!id.startsWith("h")) {
                    JsonNode s = j.get("score");
                    if (s == null || s.isNull()) {
                        // the history rows sent first fill the window: a warm-up here is a bug
                        throw new IllegalStateException("the scorer emitted no score for row " + id + ": " + j);
                    }
                    int row = Integer.parseInt(id);
                    calibrated[row] = s.asDouble();
                    critic[row] = j.get("critic").asDouble();
                }
            }
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
        if (app != null) {
            app.close();
        }
        producer.close();
        broker.close();
        TempDirectories.delete(stateDir);
    }
}
