package io.earthmover.harness.cli;

import io.earthmover.cli.ConfigOptions;
import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.UserException;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.harness.bench.ChildBroker;
import io.earthmover.harness.bench.InspectPoller;
import io.earthmover.harness.bench.MemoryTrend;
import io.earthmover.harness.bench.ProcessMemory;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.metrics.MetricNames;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.BoundedRocksDbConfig;
import io.earthmover.score.ScorerApp;
import io.earthmover.train.ModelTrainer;
import io.earthmover.train.TrainingException;
import io.earthmover.train.TrainingSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code earthmover bench soak}: the scorer under a fixed input rate for N minutes, printing every
 * minute the heap after a full GC, the process RSS, the scorer's consumer lag and its throughput,
 * then the trend of heap and RSS over the run. Without {@code --bootstrap-servers} it starts the
 * product's broker in a child JVM ({@link ChildBroker}), so the RSS judged is the scorer's process
 * alone, as deployed; the broker's is printed beside it. A benchmark: figures, not a test.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Run the scorer (alarm layer and inspection on, the served configuration) at a fixed input rate",
                "while polling its inspection API, and print every minute: heap after GC, RSS, lag, throughput and",
                "the API's p99; at the end the trend of heap and RSS and a verdict: a steady rise (or growth above",
                "10 %% of the mean), or a least-squares slope from --slope-from on of --max-slope MB/min or more,",
                "fails with exit code 1. Without --bootstrap-servers it starts `earthmover broker` in a child JVM, so the",
                "RSS judged is the scorer's process alone (the broker's is printed, not judged). The model is a small one",
                "trained on the spot on a normal cloud."})
public final class BenchSoakCommand implements Callable<Integer> {
    static final int DEFAULT_RATE = 2_000;
    static final int DEFAULT_KEYS = 200;
    static final int FEATURES = 4;
    /** How long the child broker may take to say it is ready (a cold JVM on a busy machine). */
    static final Duration BROKER_START = Duration.ofMinutes(2);

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--minutes", paramLabel = "N", defaultValue = "10", description = "Duration (default ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "" + DEFAULT_RATE, description = "Records per second (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--keys", paramLabel = "K", defaultValue = "" + DEFAULT_KEYS, description = "Distinct record keys (window state entries; default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--window", paramLabel = "W", defaultValue = "4", description = "Model window (records per key; default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--inspect-rate", paramLabel = "R", defaultValue = "10", description = "Inspection API requests per second during the soak, half key queries, half the anomaly list (0 = none; default ${DEFAULT-VALUE})")
    double inspectRate;

    @Option(names = "--slope-from", paramLabel = "MINUTE", defaultValue = "5", description = "First minute of the slope limit (default ${DEFAULT-VALUE})")
    int slopeFrom;

    @Option(names = "--max-slope", paramLabel = "MB_PER_MIN", defaultValue = "0.5", description = "Heap after GC and RSS must each rise by less than this many MB per minute (least squares from --slope-from on; default ${DEFAULT-VALUE})")
    double maxSlope;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "PT1M", hidden = true, description = "Report interval")
    Duration interval;

    /** One report line's figures. */
    record Sample(int minute, double heapMb, double rssMb, double brokerRssMb, double rocksDbCacheMb, long lag, double perSecond,
            InspectPoller.Window inspect) {
    }

    @Override
    public Integer call() throws Exception {
        if (minutes < 1 || rate < 1 || keys < 1 || window < 1) {
            throw new UserException("--minutes, --rate, --keys and --window must be positive");
        }
        if (!(inspectRate >= 0) || slopeFrom < 1 || !(maxSlope > 0)) {
            throw new UserException("--inspect-rate must be at least 0, --slope-from at least 1 and --max-slope above 0");
        }
        Map<String, String> defaults = Map.of(ConfigKeys.METRICS_PORT.name(), "0",
                ConfigKeys.SCORER_APP_ID.name(), "earthmover-soak-" + System.currentTimeMillis());
        Map<String, String> o = new LinkedHashMap<>();
        ChildBroker broker = null;
        Path modelFile = Files.createTempFile("earthmover-soak-", ".zip");
        Path stateDir = TempDirectories.create("earthmover-soak-state-");
        try {
            if (!configOptions.namesBootstrapServers()) {
                broker = ChildBroker.start(0, BROKER_START);
                o.put("kafka.bootstrap.servers", broker.bootstrapServers());
                System.out.println("broker: `earthmover broker` in a child JVM at " + broker.bootstrapServers());
            }
            o.put(ConfigKeys.SCORER_MODEL_SOURCE.name(), "file");
            o.put(ConfigKeys.SCORER_MODEL_FILE.name(), modelFile.toString());
            o.put(ConfigKeys.SCORER_STATE_DIR.name(), stateDir.toString());
            EarthmoverConfig cfg = configOptions.load(defaults, o);
            System.out.printf(Locale.ROOT, "training a %d-feature model (window %d)...%n", FEATURES, window);
            Files.write(modelFile, trainModel(window).toBytes());
            return soak(cfg, broker);
        } finally {
            if (broker != null) {
                broker.close();
            }
            Files.deleteIfExists(modelFile);
            TempDirectories.delete(stateDir);
        }
    }

    private int soak(EarthmoverConfig cfg, ChildBroker broker) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        List<Sample> samples = new ArrayList<>();
        try (ScorerApp app = new ScorerApp(cfg, registry)) {
            app.start(Duration.ofMinutes(2));
            Thread producer = new Thread(() -> produce(cfg, running, produced), "soak-producer");
            producer.setDaemon(true);
            producer.start();
            InspectPoller poller = inspectRate > 0 ? new InspectPoller(app.httpPort(), inspectRate, keys, running) : null;
            Thread polling = poller == null ? null : new Thread(poller, "soak-inspect");
            if (polling != null) {
                polling.setDaemon(true);
                polling.start();
            }
            System.out.printf(Locale.ROOT, "soak: %d records/s over %d keys for %d min on %s, inspection API polled at %.0f/s;"
                    + " metrics on http://127.0.0.1:%d/metrics%n", rate, keys, minutes, cfg.bootstrapServers(), inspectRate, app.httpPort());
            System.out.println("minute  heap-after-GC-MB  RSS-MB  broker-RSS-MB  rocksdb-cache-MB  lag-records  scored-per-s  produced  api-requests  api-failed  api-p99-ms");
            long t0 = System.nanoTime();
            double lastIn = 0;
            long lastT = t0;
            try (Admin admin = Admin.create(KafkaProps.admin(cfg))) {
                for (int m = 1; m <= minutes; m++) {
                    long due = t0 + m * interval.toNanos();
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    double in = registry.get(MetricNames.RECORDS_IN).counter().count();
                    long now = System.nanoTime();
                    double perSecond = (in - lastIn) / ((now - lastT) / 1e9);
                    lastIn = in;
                    lastT = now;
                    double heap = ProcessMemory.heapAfterGcMb(); // the live set, not whatever garbage happens to be waiting
                    InspectPoller.Window api = poller == null ? new InspectPoller.Window(0, 0, 0) : poller.drain();
                    Sample s = new Sample(m, heap, ProcessMemory.selfRssMb(), broker == null ? Double.NaN : broker.rssMb(),
                            BoundedRocksDbConfig.cacheUsageBytes() / 1048576.0, lag(admin, cfg), perSecond, api);
                    samples.add(s);
                    System.out.printf(Locale.ROOT, "%6d  %16.1f  %6.1f  %13.1f  %16.1f  %11d  %12.0f  %,d  %12d  %10d  %10d%n", m, s.heapMb(),
                            s.rssMb(), s.brokerRssMb(), s.rocksDbCacheMb(), s.lag(), s.perSecond(), produced.get(), api.requests(), api.failed(), api.p99Millis());
                    System.out.flush();
                }
            }
            running.set(false);
            producer.join(30_000);
            if (polling != null) {
                polling.join(30_000);
            }
        }
        return report(samples, slopeFrom, maxSlope) ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /**
     * The trend of heap and RSS after the first (warm-up) minute, judged by {@link MemoryTrend}, and
     * the least-squares slope of each from minute {@code slopeFrom} on against {@code maxSlope};
     * true when both are flat by both. A rising series fails the run (exit code 1).
     */
    private static boolean report(List<Sample> samples, int slopeFrom, double maxSlope) {
        List<Sample> s = samples.size() > 2 ? samples.subList(1, samples.size()) : samples;
        double meanRate = s.stream().mapToDouble(Sample::perSecond).average().orElse(0);
        long maxLag = s.stream().mapToLong(Sample::lag).max().orElse(0);
        System.out.printf(Locale.ROOT, "minutes %d-%d: throughput mean %.0f/s, max lag %d%n", s.get(0).minute(),
                s.get(s.size() - 1).minute(), meanRate, maxLag);
        if (s.size() < 2) {
            System.out.println("too short for a trend: run at least 3 minutes");
            return true;
        }
        double[] minutes = s.stream().mapToDouble(Sample::minute).toArray();
        MemoryTrend.Verdict heap = MemoryTrend.of(minutes, s.stream().mapToDouble(Sample::heapMb).toArray());
        MemoryTrend.Verdict rss = MemoryTrend.of(minutes, s.stream().mapToDouble(Sample::rssMb).toArray());
        System.out.println("trend: " + heap.describe("heap after GC"));
        System.out.println("trend: " + rss.describe("RSS"));
        double heapSlope = MemoryTrend.slopeFrom(minutes, s.stream().mapToDouble(Sample::heapMb).toArray(), slopeFrom);
        double rssSlope = MemoryTrend.slopeFrom(minutes, s.stream().mapToDouble(Sample::rssMb).toArray(), slopeFrom);
        boolean slopesOk = !(heapSlope >= maxSlope) && !(rssSlope >= maxSlope);
        System.out.printf(Locale.ROOT, "slope from minute %d: heap after GC %+.3f MB/min, RSS %+.3f MB/min (limit %.2f%s)%n",
                slopeFrom, heapSlope, rssSlope, maxSlope, Double.isNaN(heapSlope) ? "; too few minutes, not judged" : "");
        long requests = s.stream().mapToLong(x -> x.inspect().requests()).sum();
        long failed = s.stream().mapToLong(x -> x.inspect().failed()).sum();
        long worstP99 = s.stream().mapToLong(x -> x.inspect().p99Millis()).max().orElse(0);
        System.out.printf(Locale.ROOT, "inspection API: %d requests, %d failed, worst minute's p99 %d ms%n", requests, failed, worstP99);
        boolean flat = !heap.rising() && !rss.rising() && slopesOk;
        System.out.println(flat ? "verdict: flat" : "verdict: FAIL, memory rises");
        return flat;
    }

    private void produce(EarthmoverConfig cfg, AtomicBoolean running, AtomicLong produced) {
        Map<String, Object> p = KafkaProps.producer(cfg);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        Random rnd = new Random(1);
        String topic = cfg.get(ConfigKeys.TOPIC_INPUT);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long t0 = System.nanoTime();
            for (long i = 0; running.get(); i++) {
                StringBuilder sb = new StringBuilder(96).append("{\"id\":\"s").append(i).append("\",\"ts\":")
                        .append(System.currentTimeMillis()).append(",\"features\":[");
                for (int j = 0; j < FEATURES; j++) {
                    sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", rnd.nextGaussian()));
                }
                sb.append("]}");
                producer.send(new ProducerRecord<>(topic, ("key-" + (i % keys)).getBytes(StandardCharsets.UTF_8),
                        sb.toString().getBytes(StandardCharsets.UTF_8)));
                produced.incrementAndGet();
                long wait = t0 + (long) ((i + 1) * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The scorer's consumer lag on the input topic, summed over partitions; -1 if unknown. */
    private static long lag(Admin admin, EarthmoverConfig cfg) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(cfg.get(ConfigKeys.SCORER_APP_ID))
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            String topic = cfg.get(ConfigKeys.TOPIC_INPUT);
            Map<TopicPartition, OffsetSpec> want = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(pi -> want.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
            long lag = 0;
            for (var e : admin.listOffsets(want).all().get(10, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    private static ModelBundle trainModel(int window) throws TrainingException {
        Random rnd = new Random(7);
        List<double[][]> series = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            double[][] rows = new double[800][FEATURES];
            for (double[] r : rows) {
                for (int j = 0; j < FEATURES; j++) {
                    r[j] = rnd.nextGaussian();
                }
            }
            series.add(rows);
        }
        TrainingSettings settings = TrainingSettings.defaults()
                .with(ConfigKeys.FEATURES_WINDOW, window).with(ConfigKeys.TRAIN_SEED, 7L)
                .with(ConfigKeys.TRAIN_LATENT, 8).with(ConfigKeys.TRAIN_GEN_HIDDEN, new int[] {32, 32})
                .with(ConfigKeys.TRAIN_CRITIC_HIDDEN, new int[] {32, 32}).with(ConfigKeys.TRAIN_BATCH, 128)
                .with(ConfigKeys.TRAIN_ITERATIONS, 150).with(ConfigKeys.TRAIN_LR, 5e-4).with(ConfigKeys.TRAIN_PATIENCE, 0);
        return new ModelTrainer().fit(series, FeatureSchema.positional(FEATURES), settings, Map.of("source", "bench soak"), null)
                .bundle();
    }

}
