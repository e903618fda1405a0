package io.earthmover.harness.eval;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.record.ErrorCode;
import io.earthmover.score.DeadLetters;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerApp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
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
 * {@code --via-kafka}: sends what a {@link WganDetector} sent through the in-process scorer (the
 * same record bytes and timestamps, in order, under one key per series) through the real service —
 * an embedded broker and {@link ScorerApp}'s Kafka Streams topology, configured with the same
 * configuration — and reads every outcome back from {@code anomaly-scores} and {@code events-dlq}.
 * Each model the detector served is handed to the scorer (as its file or topic source would)
 * before the records it served are produced, and their outcomes are read before the next model
 * goes in, so every record meets the same model and the same key state in both paths.
 *
 * <p>Each outcome is compared with the in-process one: a score must be the same JSON byte for
 * byte except {@code scoredAt} (the wall clock), a dead letter must carry the same code
 * ({@link #equality()}). The benchmark then reads its field from the Kafka outcomes.
 */
public final class ViaKafka implements AutoCloseable {
    static final Duration MODEL_WAIT = Duration.ofSeconds(60);
    /** Longest wait for one model's outcomes. */
    static final Duration SEGMENT_TIMEOUT = Duration.ofSeconds(180);
    static final String SOURCE = "evaluate";
    /** What {@code --via-kafka} did, for reports (the equality follows). */
    public static final String REPORT = "wgan's records (every row of each series in time order, training rows first) "
            + "were produced to an embedded broker and scored by the service's Kafka Streams topology with the same "
            + "configuration; the table uses the outcomes read back from `anomaly-scores` and `events-dlq`; rcf and "
            + "zscore ran in-process. ";
    private static final Pattern SCORED_AT = Pattern.compile("\"scoredAt\":-?\\d+");

    /** How the Kafka outcomes compared with the in-process ones. */
    public record Equality(long compared, long identical, String firstDifference) {
        public boolean allIdentical() {
            return compared == identical;
        }

        @Override
        public String toString() {
            return String.format("%d of %d outputs identical to the in-process path (every served field but scoredAt)",
                    identical, compared) + (firstDifference == null ? "" : "; first difference: " + firstDifference);
        }
    }

    private final Path stateDir;
    private final EmbeddedKafkaBroker broker;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private EarthmoverConfig serving;
    private EarthmoverConfig config;
    private ScorerApp app;
    private KafkaConsumer<byte[], byte[]> consumer;
    private int replays;
    private int apps;
    private long compared;
    private long identical;
    private String firstDifference;

    private ViaKafka(Path stateDir, EmbeddedKafkaBroker broker) {
        this.stateDir = stateDir;
        this.broker = broker;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Starts an embedded broker. The scorer starts with the first model replayed, configured with
     * the configuration the in-process scorer used for that trace (alarm layer, late tolerance,
     * top-k: {@link ScoringTrace#config()}) on the broker's address; a trace scored with another
     * configuration gets a new scorer application.
     */
    public static ViaKafka start() {
        return new ViaKafka(TempDirectories.create("earthmover-eval-kafka"), EmbeddedKafkaBroker.start());
    }

    /**
     * Sends the trace's records through Kafka and compares the outcomes.
     *
     * @return the test rows' scores read from the Kafka outcomes (rows scored without a model, never
     *     sent, score as in-process)
     */
    public double[] replay(ScoringTrace trace) {
        List<ScoringTrace.Sent> records = trace.records();
        List<ScoringTrace.Swap> swaps = trace.swaps();
        OfflineScorer.Outcome[] outcomes = new OfflineScorer.Outcome[records.size()];
        byte[] key = ((trace.key() == null ? "" : trace.key()) + "#" + (replays++)).getBytes(StandardCharsets.UTF_8);
        if (trace.config() != serving) {
            configure(trace.config());
        }
        for (int k = 0; k < swaps.size(); k++) {
            load(swaps.get(k));
            int from = swaps.get(k).fromRecord();
            int to = k + 1 < swaps.size() ? swaps.get(k + 1).fromRecord() : records.size();
            long[] offsets = new long[to - from];
            for (int i = from; i < to; i++) {
                send(key, records.get(i), offsets, i - from);
            }
            producer.flush();
            if (sendFailure.get() != null) {
                throw new IllegalStateException("producing to Kafka failed: " + sendFailure.get(), sendFailure.get());
            }
            collect(key, records, from, offsets, outcomes);
        }
        for (int i = 0; i < outcomes.length; i++) {
            compare(records.get(i).outcome(), outcomes[i], i);
        }
        return trace.testScores(Arrays.asList(outcomes));
    }

    /** Totals over every replay so far. */
    public Equality equality() {
        return new Equality(compared, identical, firstDifference);
    }

    private void compare(OfflineScorer.Outcome local, OfflineScorer.Outcome kafka, int record) {
        compared++;
        boolean same = local.scored()
                ? kafka.scored() && withoutScoredAt(local.json()).equals(withoutScoredAt(kafka.json()))
                : !kafka.scored() && local.code() == kafka.code();
        if (same) {
            identical++;
        } else if (firstDifference == null) {
            firstDifference = "record " + record + ": in-process " + text(local) + ", via Kafka " + text(kafka);
        }
    }

    private static String withoutScoredAt(byte[] json) {
        return SCORED_AT.matcher(new String(json, StandardCharsets.UTF_8)).replaceAll("\"scoredAt\":_");
    }

    private static String text(OfflineScorer.Outcome o) {
        return o.scored() ? new String(o.json(), StandardCharsets.UTF_8) : "dead letter " + o.code();
    }

    /** The scorer's configuration from now on: the evaluation's, on the embedded broker. */
    private void configure(EarthmoverConfig evaluation) {
        if (app != null) {
            app.close();
            app = null;
        }
        serving = evaluation;
        config = evaluation.with(Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                ConfigKeys.METRICS_PORT.name(), "0",
                ConfigKeys.TOPIC_PARTITIONS.name(), "1",
                ConfigKeys.SCORER_STATE_DIR.name(), stateDir.toString()));
    }

    private void load(ScoringTrace.Swap swap) {
        byte[] bundle = swap.bundle().toBytes();
        String version = swap.bundle().version();
        if (app == null) {
            startApp(bundle, version);
        } else {
            ModelHolder.Outcome o = app.offer(bundle, SOURCE);
            if (o instanceof ModelHolder.Refused r && r.reason().equals("incompatible")) {
                // other features or window (another series' model): as in production, a new scorer application
                app.close();
                startApp(bundle, version);
            } else if (o instanceof ModelHolder.Refused r) {
                throw new IllegalStateException("the scorer refused model " + version + ": " + r.message());
            }
        }
        if (consumer == null) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> tps = List.of(new TopicPartition(config.get(ConfigKeys.TOPIC_SCORES), 0),
                    new TopicPartition(config.get(ConfigKeys.TOPIC_DLQ), 0));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
        }
    }

    private void startApp(byte[] bundle, String version) {
        EarthmoverConfig c = config.with(Map.of(ConfigKeys.SCORER_APP_ID.name(), "earthmover-eval-" + (apps++)));
        app = new ScorerApp(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        ModelHolder.Outcome o = app.offer(bundle, SOURCE);
        if (o instanceof ModelHolder.Refused r) {
            throw new IllegalStateException("the scorer refused model " + version + ": " + r.message());
        }
        app.start(MODEL_WAIT);
    }

    private void send(byte[] key, ScoringTrace.Sent r, long[] offsets, int slot) {
        offsets[slot] = -1;
        producer.send(new ProducerRecord<>(config.get(ConfigKeys.TOPIC_INPUT), null, r.ts(), key, r.value()), (md, e) -> {
            if (e != null) {
                sendFailure.compareAndSet(null, e);
            } else {
                offsets[slot] = md.offset();
            }
        });
    }

    /**
     * Reads this key's outcomes of records {@code from ..}: scores by their id (the record's
     * position), dead letters by the input offset in their {@code source.offset} header.
     */
    private void collect(byte[] key, List<ScoringTrace.Sent> records, int from, long[] offsets,
            OfflineScorer.Outcome[] outcomes) {
        Map<Long, Integer> byOffset = new HashMap<>();
        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < offsets.length; i++) {
            byOffset.put(offsets[i], from + i);
            byId.put(records.get(from + i).id(), from + i);
        }
        String dlq = config.get(ConfigKeys.TOPIC_DLQ);
        long deadline = System.nanoTime() + SEGMENT_TIMEOUT.toNanos();
        int got = 0;
        while (got < offsets.length) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + got + " of " + offsets.length + " outcomes arrived on "
                        + config.get(ConfigKeys.TOPIC_SCORES) + " and " + dlq + " within " + SEGMENT_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (!Arrays.equals(r.key(), key)) {
                    continue;
                }
                got++;
                if (r.topic().equals(dlq)) {
                    Integer i = byOffset.get(Long.parseLong(DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET)));
                    outcomes[i] = new OfflineScorer.Outcome(null,
                            ErrorCode.valueOf(DeadLetters.header(r.headers(), DeadLetters.ERROR_CODE)),
                            DeadLetters.header(r.headers(), DeadLetters.ERROR_MESSAGE));
                } else {
                    outcomes[byId.get(ScoreRecord.parse(r.value()).id())] = new OfflineScorer.Outcome(r.value(), null, null);
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
