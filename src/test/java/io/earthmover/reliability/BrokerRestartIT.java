package io.earthmover.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.metrics.MetricNames;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.Http;
import io.earthmover.testutil.TestBundles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, test 2: the broker stops mid-stream and starts again on the same data directory and
 * ports. The scorer, untouched, is processing again within {@link #RECOVERY_BOUND} of the restart,
 * and every acknowledged input is in scores ∪ DLQ (at-least-once: duplicates are reported).
 */
class BrokerRestartIT {
    private static final int RECORDS = 20_000;
    private static final int RATE = 1_000;
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void scorerRecoversByItselfAfterABrokerRestartAndLosesNothing() throws Exception {
        Path model = tmp.resolve("model.zip");
        Files.write(model, TestBundles.bytes(List.of("cpu", "disk", "mem"), true, 1, 7));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults()
                .withDataDir(tmp.resolve("kafka")))) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "metrics.port", "0", "scorer.state.dir", tmp.resolve("state").toString(),
                    "scorer.model.source", "file", "scorer.model.file", model.toString()));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (ScorerApp app = new ScorerApp(cfg, registry)) {
                app.start(Duration.ofSeconds(60));
                String ready = "http://127.0.0.1:" + app.httpPort() + "/health/ready";
                try (SteadyProducer producer = new SteadyProducer(broker.bootstrapServers(), "events-in", "b", RECORDS, RATE).start()) {
                    Waits.until("a third of the stream scored", Duration.ofSeconds(120),
                            () -> registry.get(MetricNames.RECORDS_IN).counter().count() >= RECORDS / 3.0);
                    double before = registry.get(MetricNames.RECORDS_IN).counter().count();
                    long stop0 = System.nanoTime();
                    broker.stop();
                    System.out.printf("[broker-restart] broker stopped after %.0f records in; down for %d s%n", before, OUTAGE.toSeconds());
                    Thread.sleep(OUTAGE.toMillis());
                    broker.restart();
                    long restarted = System.nanoTime();
                    double atRestart = registry.get(MetricNames.RECORDS_IN).counter().count();
                    Duration resumed = Waits.until("the scorer processing again", RECOVERY_BOUND,
                            () -> registry.get(MetricNames.RECORDS_IN).counter().count() > atRestart + 100
                                    && app.streams().state() == KafkaStreams.State.RUNNING);
                    Waits.until("/health/ready", RECOVERY_BOUND, () -> status(ready) == 200);
                    Duration readyAgain = Duration.ofNanos(System.nanoTime() - restarted);
                    producer.await();
                    Set<String> acked = producer.acked();
                    Ledger.Counted[] c = new Ledger.Counted[1];
                    Duration drained = Waits.until("every acknowledged record out", Duration.ofSeconds(180), () -> {
                        c[0] = Ledger.Counted.of(Ledger.readAll(broker.bootstrapServers(), "anomaly-scores", false),
                                Ledger.readAll(broker.bootstrapServers(), "events-dlq", false));
                        return acked.stream().allMatch(c[0]::seen);
                    });
                    System.out.printf("[broker-restart] stop + start took %d ms besides the outage; scorer processing again %d ms after the restart,"
                                    + " ready %d ms after it; drained %d s later; producer failures %d%n",
                            (restarted - stop0) / 1_000_000 - OUTAGE.toMillis(), resumed.toMillis(), readyAgain.toMillis(),
                            drained.toSeconds(), producer.failed());
                    System.out.println(c[0].report("broker-restart", acked.size()));
                    assertThat(producer.failed()).as("sends the producer gave up on").isZero();
                    assertThat(acked).hasSize(RECORDS);
                    assertThat(c[0].distinct()).as("in = out + dlq (distinct ids)").isEqualTo(acked.size());
                    assertThat(c[0].deadLetters()).isZero();
                    assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
                }
            }
        }
    }

    private static int status(String url) {
        try {
            return Http.get(url).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
