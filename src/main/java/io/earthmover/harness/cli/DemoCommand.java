package io.earthmover.harness.cli;

import io.earthmover.cli.ConfigOptions;
import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.UserException;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.harness.demo.DemoScore;
import io.earthmover.harness.demo.DemoStream;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.kafka.TopicAdmin;
import io.earthmover.kafka.TopicRange;
import io.earthmover.record.FileRecords;
import io.earthmover.score.ScorerApp;
import io.earthmover.train.ConsoleProgress;
import io.earthmover.train.TrainJob;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code earthmover demo}: the whole product on an embedded broker, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Run the whole product end to end on an embedded broker.",
        description = {"Run the whole product on an embedded Kafka broker: generate a multivariate stream of several",
                "hosts into events-train, train and publish a model, score fresh data with injected anomalies",
                "(spikes, level shifts, broken correlations, frozen sensors) live, and report precision and recall.",
                "Serves /metrics and the inspection page (/) throughout. The demo's training settings yield to --config, EARTHMOVER_* and --set."})
public final class DemoCommand implements Callable<Integer> {
    /** Training settings that train well in well under a minute on 2 cores. */
    // window 4 with differences: two of the demo's anomaly kinds (frozen sensors, broken correlations)
    // show only over consecutive records (measured: recall 0.625 with window 1, 0.75 with this)
    public static final Map<String, String> DEMO_DEFAULTS = Map.of("train.iterations", "500", "train.batch.size", "128",
            "train.critic.hidden", "64,64", "train.generator.hidden", "64,64", "train.learning.rate", "0.0005",
            "train.early.stop.patience", "0", "topics.partitions", "3", "features.window", "4",
            "features.differences", "true");


    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--keep-running", description = "Stay up after the report (broker, scorer, /metrics, the inspection page) until Ctrl-C")
    boolean keepRunning;

    @Option(names = "--hosts", defaultValue = "4", description = "Hosts (keys) in the stream (default ${DEFAULT-VALUE})")
    int hosts;

    @Option(names = "--train-days", defaultValue = "5", description = "Simulated days of normal training data (default ${DEFAULT-VALUE})")
    int trainDays;

    @Option(names = "--test-days", defaultValue = "2", description = "Simulated days of live data (default ${DEFAULT-VALUE})")
    int testDays;

    @Option(names = "--anomalies-per-kind", defaultValue = "4", description = "Injected anomalies of each kind (default ${DEFAULT-VALUE})")
    int perKind;

    @Option(names = "--rate", defaultValue = "400", description = "Live records per second (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the generated stream (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--metrics-port", description = "Port of /metrics (default metrics.port, 9400; 0 = any free port)")
    Integer metricsPort;

    @Option(names = "--model-out", defaultValue = "target/demo-models", description = "Where the trained bundle and its report go (default ${DEFAULT-VALUE})")
    Path modelOut;

    @Override
    public Integer call() throws Exception {
        if (hosts < 1 || trainDays < 1 || testDays < 1 || perKind < 1 || !(rate > 0)) {
            throw new UserException("--hosts, --train-days, --test-days, --anomalies-per-kind and --rate must be positive");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (metricsPort != null) {
            overrides.put(ConfigKeys.METRICS_PORT.name(), String.valueOf(metricsPort));
        }
        EarthmoverConfig base = configOptions.load(DEMO_DEFAULTS, overrides);
        long t0 = System.nanoTime();
        say("starting an embedded Kafka broker on 127.0.0.1 ...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Path stateDir = TempDirectories.create("earthmover-demo-state-");
            EarthmoverConfig cfg = base.with(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    ConfigKeys.SCORER_STATE_DIR.name(), stateDir.toString(),
                    ConfigKeys.SCORER_APP_ID.name(), "earthmover-demo-" + UUID.randomUUID().toString().substring(0, 8)));
            new TopicAdmin(cfg).ensureTopics();
            say("broker up at %s in %.1f s", broker.bootstrapServers(), secs(t0));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (ScorerApp scorer = new ScorerApp(cfg, registry)) {
                Thread scorerStart = new Thread(() -> scorer.start(Duration.ofMinutes(10)), "demo-scorer-start");
                scorerStart.setDaemon(true);
                scorerStart.start();
                say("scorer started: waiting for a model; metrics at %s", awaitHttp(scorer));
                if (scorer.pageUrl() != null) {
                    say("inspection page at %s (alarms, per-key outputs; API under /api/)", scorer.pageUrl());
                }
                return run(cfg, broker, scorer, registry, t0);
            } finally {
                TempDirectories.delete(stateDir);
            }
        }
    }

    private int run(EarthmoverConfig cfg, EmbeddedKafkaBroker broker, ScorerApp scorer, PrometheusMeterRegistry registry,
            long t0) throws Exception {
        DemoStream stream = new DemoStream(hosts, seed, Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        int trainSteps = trainDays * DemoStream.STEPS_PER_DAY;
        List<DemoStream.Event> training = stream.normal(0, trainSteps);
        Map<String, Object> producerProps = new HashMap<>(KafkaProps.producer(cfg));
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < training.size(); i++) {
                DemoStream.Event e = training.get(i);
                p.send(new ProducerRecord<>(cfg.get(ConfigKeys.TOPIC_TRAIN), utf8(e.host()), utf8(e.json("t" + i))));
            }
            p.flush();
        }
        say("generated %d normal records (%d hosts x %d simulated days, daily cycle, correlated metrics) into %s",
                training.size(), hosts, trainDays, cfg.get(ConfigKeys.TOPIC_TRAIN));

        long tt = System.nanoTime();
        TrainJob.Result res = new TrainJob(cfg, registry, new ConsoleProgress()).run(new TrainJob.Request(
                cfg.get(ConfigKeys.TOPIC_TRAIN), TopicRange.all(), null, FileRecords.Options.defaults(), modelOut, true, false,
                null, Duration.ofSeconds(30)));
        if (res.status() != TrainJob.Status.PUBLISHED) {
            say("training did not publish a model: %s", res.message());
            return ExitCodes.FAILURE;
        }
        say("trained and published model %s in %.1f s (%s); bundle %s", res.bundle().version(), secs(tt),
                res.decision().reason(), res.bundleFile());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!scorer.ready()) {
            if (System.nanoTime() > deadline) {
                say("the scorer did not become ready");
                return ExitCodes.FAILURE;
            }
            Thread.sleep(100);
        }
        say("scorer ready with model %s", scorer.holder().current().version());

        int testSteps = testDays * DemoStream.STEPS_PER_DAY;
        List<DemoStream.Anomaly> anomalies = stream.plan(trainSteps, testSteps, perKind);
        List<DemoStream.Event> live = stream.withAnomalies(trainSteps, testSteps, anomalies);
        LiveView view = new LiveView(cfg, live, anomalies);
        view.start();
        say("streaming %d live records with %d injected anomalies into %s at %.0f records/s", live.size(), anomalies.size(),
                cfg.get(ConfigKeys.TOPIC_INPUT), rate);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < live.size(); i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                DemoStream.Event e = live.get(i);
                p.send(new ProducerRecord<>(cfg.get(ConfigKeys.TOPIC_INPUT), utf8(e.host()), utf8(e.json("e" + i))));
                view.sent(i + 1);
            }
            p.flush();
        }
        boolean complete = view.awaitAll(Duration.ofSeconds(120));
        view.close();
        DemoScore score = DemoScore.of(live, anomalies, view.flagged());
        report(score, complete, view, t0);
        if (keepRunning) {
            say("--keep-running: broker on %s, metrics on http://127.0.0.1:%d/metrics%s; Ctrl-C to stop",
                    broker.bootstrapServers(), scorer.httpPort(),
                    scorer.pageUrl() == null ? "" : ", inspection page on " + scorer.pageUrl());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return complete ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private void report(DemoScore s, boolean complete, LiveView view, long t0) {
        System.out.println();
        System.out.println("=== demo result ===");
        System.out.printf("records scored        %d of %d%s%n", view.scored(), view.total(), complete ? "" : "  (INCOMPLETE)");
        System.out.printf("anomalies injected    %d (%d anomalous records)%n", s.events(), s.anomalousRecords());
        System.out.printf("records flagged       %d (%d inside an injected anomaly)%n", s.flagged(), s.flaggedInside());
        System.out.printf("precision             %.3f   (flagged records that are injected anomalies)%n", s.precision());
        System.out.printf("recall                %.3f   (injected anomalies with at least one flagged record)%n", s.recall());
        System.out.printf("point recall          %.3f   (anomalous records flagged)%n", s.pointRecall());
        s.byKind().forEach((k, c) -> System.out.printf("  %-20s found %d of %d%n", k, c[1], c[0]));
        System.out.printf("total time            %.1f s%n", secs(t0));
    }

    private static String awaitHttp(ScorerApp scorer) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try {
                return "http://127.0.0.1:" + scorer.httpPort() + "/metrics";
            } catch (RuntimeException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the metrics server did not start");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void say(String fmt, Object... args) {
        System.out.printf("[demo] " + fmt + "%n", args);
        System.out.flush();
    }


    /** Follows anomaly-scores and prints throughput and each anomaly with its top features, once a second. */
    private static final class LiveView implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<DemoStream.Event> events;
        private final List<DemoStream.Anomaly> anomalies;
        private final Map<Integer, Boolean> seen = new ConcurrentHashMap<>();
        private final Set<Integer> flagged = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final String topic;
        private volatile int sent;

        LiveView(EarthmoverConfig cfg, List<DemoStream.Event> events, List<DemoStream.Anomaly> anomalies) {
            Map<String, Object> p = new HashMap<>(KafkaProps.consumer(cfg));
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "earthmover-demo-view-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.topic = cfg.get(ConfigKeys.TOPIC_SCORES);
            this.events = events;
            this.anomalies = anomalies;
            this.thread = new Thread(this::loop, "demo-live-view");
            this.thread.setDaemon(true);
        }

        void start() {
            consumer.subscribe(List.of(topic));
            thread.start();
        }

        void sent(int n) {
            sent = n;
        }

        int total() {
            return events.size();
        }

        int scored() {
            return seen.size();
        }

        Set<Integer> flagged() {
            return flagged;
        }

        boolean awaitAll(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (seen.size() < events.size() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            Thread.sleep(1200); // let the last status line print
            return seen.size() >= events.size();
        }

        private void loop() {
            long start = System.nanoTime();
            long lastPrint = start;
            int lastCount = 0;
            int printed = 0;
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        ScoreRecord j = ScoreRecord.parse(r.value());
                        String id = j.id() == null ? "" : j.id();
                        if (!id.startsWith("e")) {
                            continue;
                        }
                        int i = Integer.parseInt(id.substring(1));
                        seen.put(i, Boolean.TRUE);
                        if (j.anomaly()) {
                            flagged.add(i);
                            if (printed++ < 60) {
                                printAnomaly(i, j);
                            }
                        }
                    } catch (Exception e) {
                        // not one of ours
                    }
                }
                long now = System.nanoTime();
                if (now - lastPrint >= 1_000_000_000L) {
                    int c = seen.size();
                    System.out.printf("[%6.1f s] sent %5d  scored %5d  anomalies %4d  (%.0f records/s)%n", (now - start) / 1e9,
                            sent, c, flagged.size(), (c - lastCount) / ((now - lastPrint) / 1e9));
                    lastPrint = now;
                    lastCount = c;
                }
            }
        }

        private void printAnomaly(int i, ScoreRecord j) {
            DemoStream.Event e = events.get(i);
            StringBuilder top = new StringBuilder();
            for (ScoreRecord.Contribution f : j.topFeatures()) {
                if (top.length() > 0) {
                    top.append(", ");
                }
                top.append(f.feature()).append(String.format(" %+.2f", f.contribution()));
            }
            String truth = e.anomaly() < 0 ? "not injected" : "injected " + anomalies.get(e.anomaly()).kind()
                    + " on " + anomalies.get(e.anomaly()).feature();
            System.out.printf("  ANOMALY %s %s score %.4f  top: %s  [%s]%n", e.host(), Instant.ofEpochMilli(e.ts()),
                    j.score(), top, truth);
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
