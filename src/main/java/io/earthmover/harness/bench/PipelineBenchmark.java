package io.earthmover.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.inspect.InspectSettings;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.kafka.TopicAdmin;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.DriftTracker;
import io.earthmover.score.KeyFeedback;
import io.earthmover.score.KeyStateStore;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.ModelRouter;
import io.earthmover.score.ModelSet;
import io.earthmover.score.ScorerApp;
import io.earthmover.score.ScorerSettings;
import io.earthmover.score.ScoringEngine;
import io.earthmover.score.ScoringTopology;
import io.earthmover.score.WindowKeys;
import io.earthmover.train.ModelTrainer;
import io.earthmover.train.TrainingSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The engine of {@code bench pipeline}: a JSON passthrough topology and the scoring topology over
 * the same records on one broker, with the scorer's own Streams properties
 * ({@link ScorerApp#streamsProperties}), under each processing guarantee: the throughput of each
 * over pre-produced records, then the end-to-end latency of each at the same offered load (half
 * the scoring maximum), so the scorer's own share of the latency is visible.
 *
 * <p>The load generator sends from a pool of pre-formatted records: formatting numbers per
 * record cost more CPU than the scorer on a 2-core machine, and the generator shares the CPUs
 * with the system under test.
 */
public final class PipelineBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POOL = 8192;
    /** Keys of the load: records cycle through k0..k63. */
    private static final int KEYS = 64;
    /** Rounds of the engine-alone comparison (one model, then routed, each round). */
    private static final int ENGINE_ROUNDS = 5;
    /** Untimed passes of each topology over all the records before the first measured row. */
    private static final int WARM_UP_PASSES = 2;
    /** Latency samples before this many seconds are dropped: JIT warm-up, first fetches, rebalances. */
    public static final int WARM_UP_SECONDS = 3;

    /**
     * What to run. Each of {@code variants} (configuration overrides, e.g. {@code kafka.producer.linger.ms=1})
     * is measured after the defaults, under each guarantee, in the same run: a tuning change next to its baseline.
     */
    public record Settings(int records, int features, int partitions, int latencySeconds, List<String> guarantees,
                           List<Map<String, String>> variants, int models) {
        /** One model: no routed run. */
        public Settings(int records, int features, int partitions, int latencySeconds, List<String> guarantees,
                List<Map<String, String>> variants) {
            this(records, features, partitions, latencySeconds, guarantees, variants, 1);
        }
    }

    /** End-to-end latency at a consumer of the output, at {@code offered} records/s; -1 where nothing arrived. */
    public record Latency(double offered, long produced, long measured, long p50, long p99, long max) {
        static Latency none(double offered, long produced) {
            return new Latency(offered, produced, 0, -1, -1, -1);
        }
    }

    /**
     * One guarantee's figures under one configuration ({@code variant}: the overrides, or "defaults");
     * {@code routedPerSecond}: the scoring topology routing the same records across {@code models}
     * models (NaN with one model); with several models both it and {@code scoringPerSecond} are the
     * means of two runs, measured one model, routed, routed, one model.
     */
    public record Row(String guarantee, String variant, double passthroughPerSecond, double scoringPerSecond, Latency passthroughLatency,
                      Latency scoringLatency, long commitIntervalMs, double routedPerSecond) {
    }

    private final Settings settings;
    private final EarthmoverConfig cfg;
    private final byte[][] pool;
    private final AtomicLong passed = new AtomicLong();

    /** @param cfg the configuration the scorer would run with (bootstrap servers of the broker to use) */
    public PipelineBenchmark(Settings settings, EarthmoverConfig cfg) {
        this.settings = settings;
        this.cfg = cfg;
        Random r = new Random(2);
        pool = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            pool[i] = record(r, i).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Runs every guarantee under the defaults and each variant; prints progress lines to stdout. */
    public List<Row> run() throws Exception {
        ModelBundle model = trainModel(settings.features(), 42);
        // routed: models 2.. are trained as the first with other seeds (distinct bundles, the same cost per record)
        List<ModelBundle> routed = new ArrayList<>(List.of(model));
        for (int m = 1; m < settings.models(); m++) {
            routed.add(trainModel(settings.features(), 42 + m));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        configs.add(Map.of());
        configs.addAll(settings.variants());
        // the served topology (inspection on) also reads operators' feedback: its topic must exist
        List<String> topics = new ArrayList<>(List.of("bench-in", "bench-dlq", "bench-warm", cfg.get(ConfigKeys.TOPIC_FEEDBACK)));
        for (String g : settings.guarantees()) {
            for (int v = 0; v < configs.size(); v++) {
                for (String t : List.of("out-a", "out-b", "out-c", "lat-in-a", "lat-out-a", "lat-in-b", "lat-out-b")) {
                    topics.add(topic(t, g, v));
                }
            }
        }
        createTopics(topics);
        long bytes = produce("bench-in", settings.records(), 0, 0)[1];
        System.out.printf(Locale.ROOT, "produced %,d records, %d bytes on average%n", settings.records(), bytes / settings.records());
        warmUp(model, routed);
        if (routed.size() > 1) {
            engineOnly(model, routed);
        }
        List<Row> rows = new ArrayList<>();
        for (String g : settings.guarantees()) {
            double rate = 0;
            for (int v = 0; v < configs.size(); v++) {
                Row r = measure(g, v, configs.get(v), model, routed, rate);
                rate = r.scoringLatency().offered();
                rows.add(r);
            }
        }
        return rows;
    }

    private static String topic(String what, String guarantee, int variant) {
        return "bench-" + what + "-" + guarantee + "-" + variant;
    }

    /**
     * Untimed passes of each topology over all the records, {@link #WARM_UP_PASSES} times, so the first
     * measured figure does not carry the warm-up of the JIT and of the in-process broker's paths. With
     * one pass over the first fifth (until 2026-12-07) the row measured first was 20-35 % slower than
     * the same settings measured again, and with one pass over all the records the passthrough still
     * was (docs/operations.md, "The benchmark's warm-up").
     */
    private void warmUp(ModelBundle model, List<ModelBundle> routed) throws Exception {
        int n = settings.records();
        for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
            throughput(cfg, "at_least_once", passthrough("bench-in", "bench-warm"), passed::get, n);
            ScorerMetrics m = new ScorerMetrics(new SimpleMeterRegistry());
            throughput(cfg, "at_least_once", scoring(cfg, "bench-in", "bench-warm", model, m), () -> (long) m.inCount(), n);
            if (routed.size() > 1) {
                ScorerMetrics r = new ScorerMetrics(new SimpleMeterRegistry());
                throughput(cfg, "at_least_once", routedScoring(cfg, "bench-in", "bench-warm", routed, r), () -> (long) r.inCount(), n);
            }
        }
    }

    /**
     * Throughput of both topologies, then the latency of both at {@code rate} records/s offered, or at
     * half the scoring maximum just measured where {@code rate} is 0 (the defaults: their rate is then
     * offered to every variant, so latencies compare at the same load).
     */
    private Row measure(String g, int v, Map<String, String> overrides, ModelBundle model, List<ModelBundle> routed, double rate)
            throws Exception {
        EarthmoverConfig c = cfg.with(overrides);
        String label = overrides.isEmpty() ? "defaults" : overrides.toString();
        Run ra = run(c, g, passthrough("bench-in", topic("out-a", g, v)), passed::get, settings.records());
        ScorerMetrics m = new ScorerMetrics(new SimpleMeterRegistry());
        Run rb = run(c, g, scoring(c, "bench-in", topic("out-b", g, v), model, m), () -> (long) m.inCount(), settings.records());
        double a = ra.perSecond();
        double b = rb.perSecond();
        System.out.printf(Locale.ROOT, "%-16s %s: passthrough %,10.0f rec/s   scoring %,10.0f rec/s   ratio %.2f"
                + "   (stream-thread CPU per record: passthrough %.2f us, scoring %.2f us, ratio %.2f)%n", g, label, a, b, b / a,
                ra.cpuMicrosPerRecord(), rb.cpuMicrosPerRecord(), ra.cpuMicrosPerRecord() / rb.cpuMicrosPerRecord());
        double routedRate = Double.NaN;
        if (routed.size() > 1) {
            // ABBA: one model (just measured), routed, routed, one model again, so a machine that slows
            // down or speeds up during the run weighs on both sides alike
            double r1 = routedThroughput(c, g, v, routed);
            double r2 = routedThroughput(c, g, v, routed);
            ScorerMetrics m2 = new ScorerMetrics(new SimpleMeterRegistry());
            double b2 = throughput(c, g, scoring(c, "bench-in", topic("out-b", g, v), model, m2), () -> (long) m2.inCount(),
                    settings.records());
            double b1 = b;
            routedRate = (r1 + r2) / 2;
            b = (b1 + b2) / 2;
            System.out.printf(Locale.ROOT, "%-16s %s: scoring, 1 model then %d routed, routed, 1 model: %,.0f / %,.0f / %,.0f / %,.0f rec/s;"
                    + " %d models / 1 model %.3f%n", g, label, routed.size(), b1, r1, r2, b2, routed.size(), routedRate / b);
        }
        double offered = rate > 0 ? rate : b / 2;
        Latency la = latency(c, g, passthrough(topic("lat-in-a", g, v), topic("lat-out-a", g, v)), topic("lat-in-a", g, v),
                topic("lat-out-a", g, v), offered);
        print("passthrough", g, label, la);
        Latency lb = latency(c, g, scoring(c, topic("lat-in-b", g, v), topic("lat-out-b", g, v), model,
                new ScorerMetrics(new SimpleMeterRegistry())), topic("lat-in-b", g, v), topic("lat-out-b", g, v), offered);
        print("scoring", g, label, lb);
        return new Row(g, label, a, b, la, lb, c.get(ConfigKeys.SCORER_COMMIT_INTERVAL), routedRate);
    }

    private static void print(String what, String guarantee, String label, Latency l) {
        System.out.printf(Locale.ROOT, "latency of %s at %,.0f rec/s offered (%s, %s, %,d of %,d records after %d s warm-up):"
                        + " p50 %d ms, p99 %d ms, max %d ms%n", what, l.offered(), guarantee, label, l.measured(), l.produced(),
                WARM_UP_SECONDS, l.p50(), l.p99(), l.max());
    }

    private static ModelBundle trainModel(int features, long seed) throws Exception {
        FeatureSchema schema = FeatureSchema.positional(features);
        Random r = new Random(1);
        double[][] rows = new double[2000][features];
        for (double[] row : rows) {
            for (int j = 0; j < features; j++) {
                row[j] = r.nextGaussian();
            }
        }
        // throughput does not depend on how well the critic is trained: a short run of the default architecture
        TrainingSettings s = TrainingSettings.defaults().with(ConfigKeys.TRAIN_ITERATIONS, 20).with(ConfigKeys.TRAIN_PATIENCE, 0)
                .with(ConfigKeys.TRAIN_SEED, seed);
        return new ModelTrainer().fit(List.<double[][]>of(rows), schema, s, Map.of("source", "bench"), null).bundle();
    }

    private void createTopics(List<String> names) throws Exception {
        try (Admin admin = Admin.create(KafkaProps.admin(cfg))) {
            List<NewTopic> t = new ArrayList<>();
            for (String n : names) {
                t.add(new NewTopic(n, settings.partitions(), (short) 1));
            }
            admin.createTopics(t).all().get(30, TimeUnit.SECONDS);
            TopicAdmin.awaitLeaders(admin, new java.util.TreeSet<>(names));
        }
    }

    private String record(Random r, long i) {
        StringBuilder sb = new StringBuilder(120).append("{\"id\":\"").append(i).append("\",\"features\":[");
        for (int j = 0; j < settings.features(); j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append(String.format(Locale.ROOT, "%.3f", r.nextGaussian()));
        }
        return sb.append("]}").toString();
    }

    /** Sends n pooled records; at {@code rate} > 0 paced for {@code durationNanos}, else as fast as possible. Returns records and bytes sent. */
    private long[] produce(String topic, int n, double rate, long durationNanos) {
        Map<String, Object> p = new HashMap<>(KafkaProps.producer(cfg));
        p.put(ProducerConfig.LINGER_MS_CONFIG, rate > 0 ? 1 : 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // the load needs no idempotence, and an idempotent producer whose first batch meets a partition
        // leader not yet ready (NOT_LEADER_OR_FOLLOWER, seen on a busy machine even after the admin
        // reports a leader) can loop on OUT_OF_ORDER_SEQUENCE_NUMBER for minutes
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        long bytes = 0;
        long sent = 0;
        AtomicLong failed = new AtomicLong();
        byte[][] keys = new byte[KEYS][];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = ("k" + k).getBytes(StandardCharsets.UTF_8);
        }
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; rate > 0 ? System.nanoTime() - start < durationNanos : i < n; i++) {
                if (rate > 0) {
                    long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                byte[] v = pool[(int) (i % POOL)];
                bytes += v.length;
                sent++;
                producer.send(new ProducerRecord<>(topic, keys[(int) (i % keys.length)], v), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed.get() > 0) {
            // a throughput run waits for every record: with some lost it would wait for its deadline
            throw new IllegalStateException(failed.get() + " of " + sent + " records to " + topic + " were not delivered");
        }
        return new long[] {sent, bytes};
    }

    private Topology passthrough(String in, String out) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).mapValues(v -> {
            passed.incrementAndGet();
            try {
                return JSON.writeValueAsBytes(JSON.readTree(v));
            } catch (Exception e) {
                return v;
            }
        }).to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return b.build();
    }

    /**
     * The scoring topology with the alarm policy and inspection stores of {@code c}, as the scorer runs it
     * (so {@code --variant alarm.enabled=false} or {@code --variant inspect.enabled=false} measures their cost).
     */
    private static Topology scoring(EarthmoverConfig c, String in, String out, ModelBundle model, ScorerMetrics metrics) {
        ModelHolder holder = new ModelHolder("bench", metrics, ScorerSettings.alarmPolicy(c));
        serve(holder, model);
        return ScoringTopology.build(new ScorerSettings(in, out, "bench-dlq", 1 << 20, 3, 60_000, "bench",
                ScorerSettings.alarmPolicy(c)), InspectSettings.from(c), holder, metrics,
                new DriftTracker(Clock.systemUTC(), 10), new WindowKeys(), Clock.systemUTC());
    }

    /**
     * The scoring topology routing by a key table across {@code models} (key k{i} to model m{i mod n},
     * the 64 keys the load uses), each model in its own holder as a routed scorer loads them: what
     * routing adds per record (the lookup, a slot per model, the model-tagged key state, per-model meters).
     */
    private static Topology routedScoring(EarthmoverConfig c, String in, String out, List<ModelBundle> models, ScorerMetrics metrics) {
        return ScoringTopology.build(new ScorerSettings(in, out, "bench-dlq", 1 << 20, 3, 60_000, "bench",
                ScorerSettings.alarmPolicy(c)), InspectSettings.from(c), routedSet(c, models, metrics), metrics, new WindowKeys(),
                Clock.systemUTC());
    }

    /** The models as a routed scorer holds them, routed by a table: key k{i} to model m{i mod n}. */
    private static ModelSet routedSet(EarthmoverConfig c, List<ModelBundle> models, ScorerMetrics metrics) {
        StringBuilder table = new StringBuilder();
        for (int k = 0; k < KEYS; k++) {
            table.append(k == 0 ? "" : ",").append("k").append(k).append("=m").append(k % models.size());
        }
        EarthmoverConfig rc = c.with(Map.of(ConfigKeys.ROUTING_MODE.name(), ConfigKeys.ROUTING_TABLE,
                ConfigKeys.ROUTING_TABLE_SPEC.name(), table.toString()));
        ModelSet set = new ModelSet(ModelRouter.from(rc), metrics, Clock.systemUTC(), 10, ScorerSettings.alarmPolicy(rc));
        for (int m = 0; m < models.size(); m++) {
            requireServed(set.offer("m" + m, models.get(m).toBytes(), "bench"));
        }
        return set;
    }

    /** Serves {@code model} from {@code holder}; a refused model (a variant its seed does not fit) ends the run. */
    private static void serve(ModelHolder holder, ModelBundle model) {
        requireServed(holder.offer(model.toBytes(), "bench"));
    }

    private static void requireServed(ModelHolder.Outcome o) {
        if (o instanceof ModelHolder.Refused r) {
            throw new IllegalStateException("the benchmark's model was refused: " + r.message());
        }
    }

    /**
     * The scoring engine alone (no Kafka, an in-memory key store) over the pooled records of the 64
     * keys: one model against routing across the models, alternated for {@link #ENGINE_ROUNDS} rounds,
     * in records per second of the thread's CPU time; prints each round and the median ratio. Without the broker, the producer and RocksDB sharing
     * the CPUs, this is what routing costs per record, with far less noise than the pipeline figures.
     */
    private void engineOnly(ModelBundle model, List<ModelBundle> routed) {
        ScorerSettings s = new ScorerSettings("bench-in", "bench-out", "bench-dlq", 1 << 20, 3, 60_000, "bench",
                ScorerSettings.alarmPolicy(cfg));
        int n = Math.min(settings.records(), 200_000);
        double[] ratios = new double[ENGINE_ROUNDS];
        for (int round = 0; round < ENGINE_ROUNDS; round++) {
            ScorerMetrics m1 = new ScorerMetrics(new SimpleMeterRegistry());
            ModelHolder h = new ModelHolder("bench", m1, s.alarm());
            serve(h, model);
            double one = engineRate(new ScoringEngine(s, h, m1, new DriftTracker(Clock.systemUTC(), 10),
                    KeyStateStore.inMemory(), Clock.systemUTC()), n);
            ScorerMetrics m3 = new ScorerMetrics(new SimpleMeterRegistry());
            ScoringEngine r = new ScoringEngine(s, routedSet(cfg, routed, m3), m3, KeyStateStore.inMemory(), KeyFeedback.NONE,
                    Clock.systemUTC());
            double many = engineRate(r, n);
            ratios[round] = many / one;
            System.out.printf(Locale.ROOT, "engine alone, round %d: 1 model %,.0f rec per CPU-s, %d models %,.0f rec per CPU-s, ratio %.3f%n", round + 1,
                    one, routed.size(), many, ratios[round]);
        }
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "engine alone: %d models / 1 model, median of %d rounds %.3f%n", routed.size(), ENGINE_ROUNDS,
                sorted[ENGINE_ROUNDS / 2]);
    }

    /** Records per second of one engine over {@code n} pooled records, keys cycling as in the load. */
    private double engineRate(ScoringEngine engine, int n) {
        byte[][] keys = new byte[KEYS][];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = ("k" + k).getBytes(StandardCharsets.UTF_8);
        }
        long[] out = new long[1];
        ScoringEngine.Sink sink = new ScoringEngine.Sink() {
            @Override
            public void scored(byte[] json) {
                out[0]++;
            }

            @Override
            public void deadLetter(io.earthmover.record.ErrorCode code, String message) {
                throw new IllegalStateException("bench record dead-lettered: " + code + " " + message);
            }
        };
        // this thread's CPU time, not wall time: on a shared machine the wall clock counts other processes' turns
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            engine.process(keys[i % KEYS], pool[i % POOL], 1_767_225_600_000L + i, sink);
        }
        return out[0] / ((cpu.getCurrentThreadCpuTime() - t0) / 1e9);
    }

    private double routedThroughput(EarthmoverConfig c, String g, int v, List<ModelBundle> routed) throws Exception {
        ScorerMetrics m = new ScorerMetrics(new SimpleMeterRegistry());
        return throughput(c, g, routedScoring(c, "bench-in", topic("out-c", g, v), routed, m), () -> (long) m.inCount(),
                settings.records());
    }

    private static Properties props(EarthmoverConfig cfg, String guarantee, Path state) {
        EarthmoverConfig c = cfg.with(Map.of(ConfigKeys.SCORER_GUARANTEE.name(), guarantee,
                ConfigKeys.SCORER_APP_ID.name(), "bench-" + UUID.randomUUID(),
                ConfigKeys.SCORER_STATE_DIR.name(), state.toString(), ConfigKeys.TOPIC_DLQ.name(), "bench-dlq"));
        Properties p = ScorerApp.streamsProperties(c, null);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** Runs a topology over the first {@code records} of bench-in; returns records/s from its first to its last record. */
    private double throughput(EarthmoverConfig c, String guarantee, Topology t, LongSupplier count, int records) throws Exception {
        return run(c, guarantee, t, count, records).perSecond();
    }

    /**
     * One throughput run: records per second of wall time, and CPU time of its stream threads per
     * record. The second is the topology's own cost: on a small machine the wall-clock figure also
     * carries what the broker and the producers take from the same cores, which moves it by 10 % and
     * more between identical runs (docs/operations.md).
     */
    private Run run(EarthmoverConfig c, String guarantee, Topology t, LongSupplier count, int records) throws Exception {
        passed.set(0);
        Path state = TempDirectories.create("earthmover-bench-");
        Properties p = props(c, guarantee, state);
        try (KafkaStreams ks = new KafkaStreams(t, p)) {
            ks.start();
            long first = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (count.getAsLong() < records && System.nanoTime() < deadline) {
                if (first == 0 && count.getAsLong() > 0) {
                    first = System.nanoTime();
                }
                Thread.sleep(first == 0 ? 1 : 20);
            }
            long n = count.getAsLong();
            double perSecond = n / ((System.nanoTime() - first) / 1e9);
            return new Run(perSecond, streamThreadCpuNanos(p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)) / 1e3 / n);
        } finally {
            TempDirectories.delete(state);
        }
    }

    /** Records per second, and stream-thread CPU microseconds per record (NaN where the JVM cannot tell). */
    record Run(double perSecond, double cpuMicrosPerRecord) {
    }

    /** CPU time so far of the live stream threads of application {@code appId} (their names start with it). */
    private static double streamThreadCpuNanos(String appId) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            return Double.NaN;
        }
        double sum = 0;
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            if (th.getName().startsWith(appId) && th.getName().contains("-StreamThread-")) {
                sum += Math.max(0, mx.getThreadCpuTime(th.getId()));
            }
        }
        return sum;
    }

    /** Offers {@code rate} records/s for the configured time and measures end-to-end latency at a consumer of {@code out}. */
    private Latency latency(EarthmoverConfig c, String guarantee, Topology t, String in, String out, double rate) throws Exception {
        Path state = TempDirectories.create("earthmover-bench-");
        List<Long> lat = new ArrayList<>();
        Map<String, Object> cp = new HashMap<>(KafkaProps.consumer(cfg));
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-lat-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        // under exactly-once a reader sees output only when its transaction commits
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, guarantee.startsWith("exactly") ? "read_committed" : "read_uncommitted");
        AtomicLong produced = new AtomicLong();
        try (KafkaStreams ks = new KafkaStreams(t, props(c, guarantee, state));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            ks.start();
            while (ks.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(50);
            }
            consumer.subscribe(List.of(out));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            long seconds = settings.latencySeconds();
            Thread producer = new Thread(() -> produced.set(produce(in, 0, rate, TimeUnit.SECONDS.toNanos(seconds))[0]),
                    "bench-load");
            producer.start();
            long warmEnd = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS);
            long quietSince = 0;
            // after the load stops, wait until nothing arrives for 2 s (records still queued arrive late and count)
            while (producer.isAlive() || System.currentTimeMillis() - quietSince < 2000) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                if (!records.isEmpty() || producer.isAlive()) {
                    quietSince = now;
                }
                for (var r : records) {
                    if (r.timestamp() > warmEnd) {
                        lat.add(now - r.timestamp());
                    }
                }
            }
        } finally {
            TempDirectories.delete(state);
        }
        long[] a = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        if (a.length == 0) {
            return Latency.none(rate, produced.get());
        }
        return new Latency(rate, produced.get(), a.length, a[a.length / 2], a[(int) (a.length * 0.99)], a[a.length - 1]);
    }
}
