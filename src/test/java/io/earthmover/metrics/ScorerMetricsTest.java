package io.earthmover.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScorerMetricsTest {

    /**
     * Prometheus clients strip reserved suffixes (_info, _created, ...), so two Micrometer names can
     * collide on one Prometheus name; the second meter then silently never reaches the scrape.
     */
    @Test
    void exposesEveryMeterAsItsOwnPrometheusFamily() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ScorerMetrics metrics = new ScorerMetrics(registry);
        metrics.modelSwapped("default", "v7", Instant.now(), 0.25);
        metrics.driftGauge(() -> 0.1);
        metrics.windowKeysGauge(() -> 3);

        Set<String> meters = registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName)
                .filter(n -> n.startsWith(MetricNames.PREFIX)).collect(Collectors.toSet());
        String scrape = registry.scrape();
        Set<String> families = Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith("# TYPE earthmover_"))
                .map(l -> l.split(" ")[2]).filter(n -> !n.endsWith("_max")).collect(Collectors.toSet());

        assertThat(families).containsAll(Set.of("earthmover_model_serving", "earthmover_model_created_timestamp_seconds"))
                .hasSize(meters.size() + 1); // + the score histogram, a native Prometheus metric
        assertThat(scrape).contains("earthmover_model_serving{model=\"default\",version=\"v7\"} 1");
    }

    @Test
    void bucketsScoresBelowOneByTheirValue() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ScorerMetrics metrics = new ScorerMetrics(registry);
        for (double s : new double[] {0.05, 0.15, 0.5, 0.97, 0.9995}) {
            metrics.recordScored(s, s > 0.995, 1000);
        }
        String scrape = registry.scrape();
        assertThat(scrape).contains("earthmover_score_bucket{le=\"0.1\"} 1", "earthmover_score_bucket{le=\"0.2\"} 2",
                "earthmover_score_bucket{le=\"0.5\"} 3", "earthmover_score_bucket{le=\"0.99\"} 4",
                "earthmover_score_bucket{le=\"0.999\"} 4", "earthmover_score_bucket{le=\"1.0\"} 5",
                "earthmover_score_count 5");
    }
}
