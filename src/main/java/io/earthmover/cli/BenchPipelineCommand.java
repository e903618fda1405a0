package io.earthmover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.DriftTracker;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.ScorerApp;
import io.earthmover.score.ScorerSettings;
import io.earthmover.score.ScoringTopology;
import io.earthmover.score.WindowKeys;
import io.earthmover.train.ModelTrainer;
import io.earthmover.train.TrainingSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code earthmover bench pipeline}: the scoring topology against a JSON passthrough topology on
 * the embedded broker, same settings, same run, at-least-once and exactly-once.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Throughput of (a) a JSON passthrough topology and (b) the scoring topology over the same",
                "pre-produced records on the embedded broker, at-least-once and exactly-once, their ratio (b)/(a),",
                "p50/p99 end-to-end latency of (b) at half its maximum rate, and heap and RSS. Prints figures."})
public final class BenchPipelineCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--records", defaultValue = "1000000", description = "Records per run (default ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--features", defaultValue = "8", description = "Features per record, 8 to 32 (default ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the input topic (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--latency-seconds", defaultValue = "20", description = "Duration of the fixed-load latency run (default ${DEFAULT-VALUE})")
    int latencySeconds;

    @Option(names = "--guarantees", defaultValue = "at_least_once,exactly_once_v2", split = ",",
            description = "Processing guarantees to run (default ${DEFAULT-VALUE})")
    List<String> guarantees;

    @Override
    public Integer call() throws Exception {
        if (features < 1 || records < 1000) {
            throw new UserException("--features must be positive and --records at least 1000");
        }
        System.out.printf("bench pipeline: %,d records of %d features, %d partitions, 1 stream thread%n", records, features, partitions);
        ModelBundle model = trainModel();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
            createTopics(broker, List.of("bench-in", "bench-out-a-at_least_once", "bench-out-a-exactly_once_v2", "bench-out-b",
                    "bench-dlq", "bench-lat-in", "bench-lat-out"));
            int bytes = produce(cfg, "bench-in", records, 0, 0);
            System.out.printf("produced %,d records, %d bytes on average%n", records, bytes / records);
            List<String[]> rows = new ArrayList<>();
            for (String g : guarantees) {
                double a = run(cfg, g, passthrough("bench-in", "bench-out-a-" + g), null);
                double b = run(cfg, g, null, model);
                String lat = latency(cfg, g, model, b / 2);
                rows.add(new String[] {g, fmt(a), fmt(b), String.format(Locale.ROOT, "%.2f", b / a), lat});
                System.out.printf("%-16s passthrough %,10.0f rec/s   scoring %,10.0f rec/s   ratio %.2f%n", g, a, b, b / a);
            }
            System.out.println();
            System.out.println("| guarantee | passthrough rec/s | scoring rec/s | ratio | scoring latency at half its max (p50 / p99) |");
            System.out.println("|---|---|---|---|---|");
            for (String[] r : rows) {
                System.out.println("| " + String.join(" | ", r) + " |");
            }
            memory();
        }
        return ExitCodes.OK;
    }

    private ModelBundle trainModel() throws Exception {
        FeatureSchema schema = FeatureSchema.positional(features);
        Random r = new Random(1);
        double[][] rows = new double[2000][features];
        for (double[] row : rows) {
            for (int j = 0; j < features; j++) {
                row[j] = r.nextGaussian();
            }
        }
        // throughput does not depend on how well the critic is trained: a short run of the default architecture
        TrainingSettings s = TrainingSettings.defaults().withIterations(20).withEarlyStopPatience(0);
        return new ModelTrainer().fit(List.<double[][]>of(rows), schema, s, Map.of("source", "bench"), null, null).bundle();
    }

    private static void createTopics(EmbeddedKafkaBroker broker, List<String> names) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> t = new ArrayList<>();
            for (String n : names) {
                t.add(new NewTopic(n, 3, (short) 1));
            }
            admin.createTopics(t).all().get(30, TimeUnit.SECONDS);
        }
    }

    private String record(Random r, long i) {
        StringBuilder sb = new StringBuilder(120).append("{\"id\":\"").append(i).append("\",\"features\":[");
        for (int j = 0; j < features; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append(String.format(Locale.ROOT, "%.3f", r.nextGaussian()));
        }
        return sb.append("]}").toString();
    }

    /** Produces n records; at {@code rate} > 0 paced, else as fast as possible. Returns the bytes sent. */
    private int produce(EarthmoverConfig cfg, String topic, int n, double rate, long durationNanos) {
        Map<String, Object> p = new HashMap<>(KafkaProps.producer(cfg));
        p.put(ProducerConfig.LINGER_MS_CONFIG, rate > 0 ? 1 : 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Random r = new Random(2);
        int bytes = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; rate > 0 ? System.nanoTime() - start < durationNanos : i < n; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                byte[] v = record(r, i).getBytes(StandardCharsets.UTF_8);
                bytes += v.length;
                producer.send(new ProducerRecord<>(topic, ("k" + (i % 64)).getBytes(StandardCharsets.UTF_8), v));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return bytes;
    }

    private static final AtomicLong PASSED = new AtomicLong();

    private static Topology passthrough(String in, String out) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).mapValues(v -> {
            PASSED.incrementAndGet();
            try {
                return JSON.writeValueAsBytes(JSON.readTree(v));
            } catch (Exception e) {
                return v;
            }
        }).to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return b.build();
    }

    private Properties props(EarthmoverConfig cfg, String guarantee, ScorerMetrics metrics, Path state) {
        EarthmoverConfig c = cfg.with(Map.of(ConfigKeys.SCORER_GUARANTEE.name(), guarantee,
                ConfigKeys.SCORER_APP_ID.name(), "bench-" + UUID.randomUUID(),
                ConfigKeys.SCORER_STATE_DIR.name(), state.toString(), ConfigKeys.TOPIC_DLQ.name(), "bench-dlq"));
        Properties p = ScorerApp.streamsProperties(c, metrics);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** Runs a topology over all of bench-in; returns records/s from its first to its last record. */
    private double run(EarthmoverConfig cfg, String guarantee, Topology passthrough, ModelBundle model) throws Exception {
        ScorerMetrics metrics = new ScorerMetrics(new SimpleMeterRegistry());
        Topology t = passthrough;
        if (t == null) {
            ModelHolder holder = new ModelHolder("bench", metrics);
            holder.offer(model.toBytes(), "bench");
            t = ScoringTopology.build(new ScorerSettings("bench-in", "bench-out-b", "bench-dlq", 1 << 20, 3, 60_000, "bench", ScorerSettings.alarmPolicy(cfg)),
                    holder, metrics, new DriftTracker(Clock.systemUTC(), 10), new WindowKeys(), Clock.systemUTC());
        }
        PASSED.set(0);
        Path state = TempDirectories.create("earthmover-bench-");
        try (KafkaStreams ks = new KafkaStreams(t, props(cfg, guarantee, metrics, state))) {
            ks.start();
            long first = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (count(passthrough, metrics) < records && System.nanoTime() < deadline) {
                if (first == 0 && count(passthrough, metrics) > 0) {
                    first = System.nanoTime();
                }
                Thread.sleep(first == 0 ? 1 : 20);
            }
            double secs = (System.nanoTime() - first) / 1e9;
            return count(passthrough, metrics) / secs;
        } finally {
            TempDirectories.delete(state);
        }
    }

    private static double count(Topology passthrough, ScorerMetrics m) {
        return passthrough != null ? PASSED.get() : m.inCount();
    }

    /** Offers half of the scoring maximum for a fixed time and measures end-to-end latency at a consumer of the scores. */
    private String latency(EarthmoverConfig cfg, String guarantee, ModelBundle model, double rate) throws Exception {
        ScorerMetrics metrics = new ScorerMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder("bench", metrics);
        holder.offer(model.toBytes(), "bench");
        Topology t = ScoringTopology.build(new ScorerSettings("bench-lat-in", "bench-lat-out", "bench-dlq", 1 << 20, 3, 60_000, "bench", ScorerSettings.alarmPolicy(cfg)),
                holder, metrics, new DriftTracker(Clock.systemUTC(), 10), new WindowKeys(), Clock.systemUTC());
        Path state = TempDirectories.create("earthmover-bench-");
        List<Long> lat = new ArrayList<>();
        Map<String, Object> cp = new HashMap<>(KafkaProps.consumer(cfg));
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-lat-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        // under exactly-once a reader sees scores only when their transaction commits
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, guarantee.startsWith("exactly") ? "read_committed" : "read_uncommitted");
        try (KafkaStreams ks = new KafkaStreams(t, props(cfg, guarantee, metrics, state));
             KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            ks.start();
            while (ks.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(50);
            }
            c.subscribe(List.of("bench-lat-out"));
            while (c.assignment().isEmpty()) {
                c.poll(Duration.ofMillis(100));
            }
            Thread producer = new Thread(() -> produce(cfg, "bench-lat-in", 0, rate, TimeUnit.SECONDS.toNanos(latencySeconds)));
            producer.start();
            long warmEnd = System.currentTimeMillis() + 3000;
            while (producer.isAlive() || c.poll(Duration.ofMillis(500)).count() > 0) {
                for (var r : c.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (now > warmEnd) {
                        lat.add(now - r.timestamp());
                    }
                }
            }
        } finally {
            TempDirectories.delete(state);
        }
        long[] a = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        if (a.length == 0) {
            System.out.println("latency: no records measured");
            return "n/a";
        }
        System.out.printf("latency of scoring at %,.0f rec/s offered (%s, %,d records after 3 s warm-up): p50 %d ms, p99 %d ms, max %d ms%n",
                rate, guarantee, a.length, a[a.length / 2], a[(int) (a.length * 0.99)], a[a.length - 1]);
        return a[a.length / 2] + " ms / " + a[(int) (a.length * 0.99)] + " ms at " + fmt(rate) + " rec/s";
    }

    private static void memory() throws Exception {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.printf("heap after GC %.0f MB; %s (this JVM runs the broker, producers and both topologies)%n",
                heap / 1e6, rss);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }


}
