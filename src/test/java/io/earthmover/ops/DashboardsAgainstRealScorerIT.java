package io.earthmover.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.FileRecords;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.TestBundles;
import io.earthmover.train.TrainJob;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the alert rules against the real scorer: a {@link ScorerApp} on the embedded
 * broker scores mixed traffic (normal records, outliers, a drifted phase, ~5 % malformed) while a
 * real Prometheus scrapes its /metrics every second. A real {@link TrainJob} pushes its metrics to
 * a real Pushgateway (Debian's {@code prometheus-pushgateway}; without it, Prometheus scrapes the
 * job's registry directly). Every expression must parse and every panel must return a finite value.
 *
 * <p>With {@code -Dearthmover.dashboard.png=DIR} the run also renders the main panels from the
 * scraped data into PNG charts (see {@link DashboardCharts}).
 */
class DashboardsAgainstRealScorerIT {
    private static final List<String> FEATURES = List.of("cpu", "mem", "disk");
    private static final String SCORER_JOB = "earthmover-scorer";
    private static final String TRAIN_JOB = TrainJob.PUSH_JOB;
    private static final Duration SCRAPE = Duration.ofSeconds(1);
    static final String PNG_DIR_PROPERTY = "earthmover.dashboard.png";

    /** Malformed payloads, one per code, sent round-robin as ~5 % of the traffic. */
    private static final Map<ErrorCode, String> MALFORMED = new EnumMap<>(Map.of(
            ErrorCode.MALFORMED_JSON, "{\"features\":{\"cpu\":1,",
            ErrorCode.NON_FINITE, "{\"features\":{\"cpu\":NaN,\"mem\":0,\"disk\":0}}",
            ErrorCode.MISSING_FEATURES, "{\"features\":{\"cpu\":0.5}}",
            ErrorCode.WRONG_TYPE, "{\"features\":{\"cpu\":\"high\",\"mem\":0,\"disk\":0}}"));

    /** One phase of traffic: records per second, seconds, share of outliers, mean shift of cpu. */
    private record Phase(int perSecond, int seconds, double outliers, double cpuShift) {
    }

    /** Normal, then an outlier burst, then drifted data: enough for each panel to move. */
    private static final List<Phase> PHASES = List.of(
            new Phase(100, 10, 0.005, 0),
            new Phase(160, 8, 0.08, 0),
            new Phase(120, 10, 0.005, 1.5));

    @Test
    void everyExpressionParsesAndEveryPanelReturnsDataFromTheRealScorer(@TempDir Path tmp) throws Exception {
        Path prometheus = OpsTools.require("prometheus", "Debian package prometheus");
        Optional<Path> pushgatewayBinary = OpsTools.onPath(PushgatewayServer.BINARY);
        byte[] model = TestBundles.bytes(FEATURES, true, 1, 7);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig config = EarthmoverConfig.of(Map.of(
                    "kafka.bootstrap.servers", broker.bootstrapServers(),
                    "topics.partitions", "2",
                    "metrics.host", "127.0.0.1",
                    "metrics.port", "0",
                    "scorer.application.id", "dashboards-it",
                    "scorer.state.dir", tmp.resolve("streams").toString(),
                    "scorer.drift.window.minutes", "1",
                    "scorer.commit.interval.ms", "200"));
            try (ScorerApp scorer = new ScorerApp(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                 PushgatewayServer pushgateway = pushgatewayBinary.map(PushgatewayServer::start).orElse(null)) {
                assertThat(scorer.offer(model, "test")).isInstanceOf(ModelHolder.Swapped.class);
                scorer.start(Duration.ofSeconds(30));

                PrometheusMeterRegistry trainRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                Map<String, List<String>> jobs = new LinkedHashMap<>();
                jobs.put(SCORER_JOB, List.of("127.0.0.1:" + scorer.httpPort()));
                // without a Pushgateway, Prometheus scrapes the trainer's registry as job earthmover-train
                try (SampleMetricsServer trainerEndpoint = pushgateway == null ? SampleMetricsServer.start(n -> trainRegistry.scrape()) : null) {
                    jobs.put(pushgateway != null ? "pushgateway" : TRAIN_JOB,
                            List.of(pushgateway != null ? pushgateway.address() : trainerEndpoint.target()));
                    try (PrometheusServer server = PrometheusServer.start(prometheus, jobs, SCRAPE, Set.of("pushgateway"))) {
                        TrainJob.Result train = runTrainJob(tmp, trainRegistry, pushgateway);
                        assertThat(train.status()).as(train.message()).isEqualTo(TrainJob.Status.WRITTEN);

                        Instant trafficStart = Instant.now();
                        Traffic sent = sendTraffic(broker.bootstrapServers());
                        awaitValue(server, "sum(earthmover_records_in_total{job=\"" + SCORER_JOB + "\"})", sent.total(), Duration.ofSeconds(60));
                        server.awaitScraped(3, Duration.ofSeconds(30));
                        Instant trafficEnd = Instant.now();

                        assertRejectionsMatch(server, sent);
                        assertScoresSpreadOverTheHistogram(server);
                        assertEveryExpressionParsesAndEveryPanelHasData(server);
                        assertThat(server.query("earthmover_train_wasserstein{job=\"" + TRAIN_JOB + "\"}").hasData())
                                .as("trainer series carry job=" + TRAIN_JOB + " (Pushgateway scraped with honor_labels)").isTrue();

                        String pngDir = System.getProperty(PNG_DIR_PROPERTY, "");
                        if (!pngDir.isBlank()) {
                            List<Path> written = new DashboardCharts(server, SCORER_JOB)
                                    .render(Path.of(pngDir), trafficStart.minusSeconds(3), trafficEnd);
                            assertThat(written).allSatisfy(p -> assertThat(Files.size(p)).isBetween(1L, 150_000L));
                        }
                    }
                }
            }
        }
    }

    /** What was sent: every record, and the malformed ones by the code they must be rejected with. */
    private record Traffic(long total, Map<ErrorCode, Long> malformed) {
    }

    private static Traffic sendTraffic(String bootstrap) throws InterruptedException {
        Random rnd = new Random(11);
        Map<ErrorCode, Long> malformed = new EnumMap<>(ErrorCode.class);
        List<ErrorCode> codes = new ArrayList<>(MALFORMED.keySet());
        long total = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            for (Phase phase : PHASES) {
                for (int s = 0; s < phase.seconds(); s++) {
                    long secondStart = System.nanoTime();
                    // ten small batches a second, so that rates are smooth
                    for (int batch = 0; batch < 10; batch++) {
                        for (int i = 0; i < phase.perSecond() / 10; i++) {
                            String value;
                            if (rnd.nextDouble() < 0.05) {
                                ErrorCode code = codes.get((int) (total % codes.size()));
                                malformed.merge(code, 1L, Long::sum);
                                value = MALFORMED.get(code);
                            } else {
                                value = record(total, rnd, rnd.nextDouble() < phase.outliers(), phase.cpuShift());
                            }
                            producer.send(new ProducerRecord<>("events-in", ("host-" + total % 10).getBytes(UTF_8), value.getBytes(UTF_8)));
                            total++;
                        }
                        producer.flush();
                        long due = secondStart + (batch + 1) * 100_000_000L;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                }
            }
        }
        return new Traffic(total, malformed);
    }

    /** A valid record stamped now (so end-to-end latency is real); outliers sit 6-9 sigma out. */
    private static String record(long n, Random rnd, boolean outlier, double cpuShift) {
        double[] v = new double[FEATURES.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = outlier ? (6 + 3 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1) : rnd.nextGaussian();
        }
        v[0] += cpuShift;
        return String.format(Locale.ROOT, "{\"id\":\"r%d\",\"ts\":%d,\"features\":{\"cpu\":%.4f,\"mem\":%.4f,\"disk\":%.4f}}",
                n, System.currentTimeMillis(), v[0], v[1], v[2]);
    }

    /** A real training run on a small normal data set; its registry is pushed (or scraped) as job earthmover-train. */
    private static TrainJob.Result runTrainJob(Path tmp, PrometheusMeterRegistry registry, PushgatewayServer pushgateway) throws IOException {
        Random rnd = new Random(3);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append(String.format(Locale.ROOT, "{\"id\":\"t%d\",\"features\":{\"cpu\":%.4f,\"mem\":%.4f,\"disk\":%.4f}}%n",
                    i, rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()));
        }
        Path input = Files.writeString(tmp.resolve("normal.jsonl"), lines);
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "train.iterations", "40", "train.batch.size", "64", "train.latent.size", "4",
                "train.generator.hidden", "16,16", "train.critic.hidden", "16,16", "train.learning.rate", "0.001",
                "train.early.stop.patience", "0", "train.seed", "5"));
        // this run is about the metrics a published run pushes, not model quality: open the gate
        settings.put("train.gate.min.auc", "0");
        settings.put("train.gate.max.far", "1");
        if (pushgateway != null) {
            settings.put("metrics.pushgateway", pushgateway.address());
        }
        TrainJob job = new TrainJob(EarthmoverConfig.of(settings), registry, null);
        return job.run(new TrainJob.Request(null, null, input, FileRecords.Options.defaults(), tmp.resolve("models"),
                false, false, null, Duration.ofSeconds(10)));
    }

    private static void assertRejectionsMatch(PrometheusServer server, Traffic sent) {
        Map<String, Long> scraped = new LinkedHashMap<>();
        forEachSample(server.query("sum by (code) (earthmover_records_rejected_total{job=\"" + SCORER_JOB + "\"}) > 0"),
                (labels, value) -> scraped.put(labels.path("code").asText(), Math.round(value)));
        Map<String, Long> expected = new LinkedHashMap<>();
        sent.malformed().forEach((code, n) -> expected.put(code.name(), n));
        assertThat(scraped).as("rejections Prometheus scraped from the scorer, by code").isEqualTo(expected);
    }

    /**
     * Calibrated scores of normal records are roughly uniform on (0, 1), so a fair share of them
     * must sit at or below 0.5; a histogram that rounds values up to 1 (Micrometer's
     * DistributionSummary does) would put none there and the heatmap would be one band.
     */
    private static void assertScoresSpreadOverTheHistogram(PrometheusServer server) {
        double[] share = {Double.NaN};
        forEachSample(server.query("sum(earthmover_score_bucket{job=\"" + SCORER_JOB + "\", le=\"0.5\"})"
                + " / sum(earthmover_score_count{job=\"" + SCORER_JOB + "\"})"), (labels, value) -> share[0] = value);
        assertThat(share[0]).as("share of scores <= 0.5 in earthmover_score_bucket").isBetween(0.1, 0.9);
    }

    private static void assertEveryExpressionParsesAndEveryPanelHasData(PrometheusServer server) {
        List<String> unparsed = new ArrayList<>();
        List<String> noData = new ArrayList<>();
        for (PromQlExpressions.Expression e : PromQlExpressions.fromDashboard(DashboardTest.DASHBOARD)) {
            PrometheusServer.QueryResult r = server.query(e.promql());
            if (!r.parsed()) {
                unparsed.add(e.source() + ": " + r.error());
            } else if (!hasFiniteSample(r)) {
                noData.add(e.source() + ": " + e.promql() + " -> " + r.result());
            }
        }
        for (PromQlExpressions.Expression e : PromQlExpressions.fromRuleFile(AlertRulesTest.RULES)) {
            PrometheusServer.QueryResult r = server.query(e.promql());
            if (!r.parsed()) {
                unparsed.add(e.source() + ": " + r.error());
            }
        }
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(unparsed).as("expressions Prometheus cannot parse").isEmpty();
            soft.assertThat(noData).as("panel queries without a finite value").isEmpty();
        });
    }

    private static boolean hasFiniteSample(PrometheusServer.QueryResult r) {
        boolean[] finite = {false};
        forEachSample(r, (labels, value) -> finite[0] |= Double.isFinite(value));
        return finite[0];
    }

    /** Instant-vector samples (or a scalar) of a query result. */
    static void forEachSample(PrometheusServer.QueryResult r, java.util.function.BiConsumer<com.fasterxml.jackson.databind.JsonNode, Double> sink) {
        if (!r.parsed()) {
            throw new IllegalStateException(r.errorType() + ": " + r.error());
        }
        if (r.result().isArray() && r.result().size() == 2 && r.result().get(0).isNumber()) {
            sink.accept(PromQlExpressions.JSON.createObjectNode(), Double.parseDouble(r.result().get(1).asText()));
            return;
        }
        for (var series : r.result()) {
            sink.accept(series.path("metric"), Double.parseDouble(series.path("value").get(1).asText()));
        }
    }

    private static void awaitValue(PrometheusServer server, String promql, double expected, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        double[] last = {Double.NaN};
        while (Instant.now().isBefore(deadline)) {
            PrometheusServer.QueryResult r = server.query(promql);
            forEachSample(r, (labels, value) -> last[0] = value);
            if (last[0] == expected) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(promql + " is " + last[0] + ", not " + expected + " within " + timeout);
    }
}
