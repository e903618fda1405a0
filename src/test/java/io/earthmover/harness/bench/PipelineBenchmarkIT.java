package io.earthmover.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pipeline benchmark end to end on a real broker, tiny: it finishes, measures both
 * topologies under the defaults and a variant, and its latency figures are consistent. Figures
 * themselves are not judged here (benchmarks print them; tests do not time).
 */
class PipelineBenchmarkIT {
    @Test
    void measuresPassthroughAndScoringThroughputAndLatencyForDefaultsAndAVariant() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults().withPort(0))) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
            PipelineBenchmark.Settings s = new PipelineBenchmark.Settings(3000, 8, 2, PipelineBenchmark.WARM_UP_SECONDS + 3,
                    List.of("at_least_once"), List.of(Map.of("kafka.producer.linger.ms", "3")));
            List<PipelineBenchmark.Row> rows = new PipelineBenchmark(s, cfg).run();
            assertThat(rows).extracting(PipelineBenchmark.Row::variant).containsExactly("defaults", "{kafka.producer.linger.ms=3}");
            for (PipelineBenchmark.Row r : rows) {
                assertThat(r.passthroughPerSecond()).isPositive();
                assertThat(r.scoringPerSecond()).isPositive();
                for (PipelineBenchmark.Latency l : List.of(r.passthroughLatency(), r.scoringLatency())) {
                    assertThat(l.measured()).isPositive().isLessThanOrEqualTo(l.produced());
                    assertThat(l.p50()).isNotNegative().isLessThanOrEqualTo(l.p99());
                    assertThat(l.p99()).isLessThanOrEqualTo(l.max());
                }
            }
            // the variant is offered the defaults' load, so their latencies compare
            assertThat(rows.get(1).scoringLatency().offered()).isEqualTo(rows.get(0).scoringLatency().offered());
            assertThat(rows.get(0).scoringLatency().offered()).isEqualTo(rows.get(0).scoringPerSecond() / 2);
        }
    }
}
