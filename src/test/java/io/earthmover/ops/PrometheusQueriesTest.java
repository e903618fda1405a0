package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every PromQL expression of the dashboard and the alert rules, run through a real Prometheus
 * server that scrapes sample scorer and trainer metrics.
 */
class PrometheusQueriesTest {
    private static final Duration SCRAPE = Duration.ofSeconds(1);

    @Test
    void extractsEveryDashboardAndRuleExpression() {
        List<PromQlExpressions.Expression> dashboard = PromQlExpressions.fromDashboard(DashboardTest.DASHBOARD);
        List<PromQlExpressions.Expression> rules = PromQlExpressions.fromRuleFile(AlertRulesTest.RULES);
        assertThat(dashboard).extracting(PromQlExpressions.Expression::promql)
                .anySatisfy(e -> assertThat(e).contains("earthmover_score_bucket"))
                .allSatisfy(e -> assertThat(e).doesNotContain("$__rate_interval", "$job", "$instance"));
        assertThat(rules).hasSize(9).allSatisfy(e -> assertThat(e.promql()).isNotBlank());
    }

    @Test
    void everyExpressionParsesAndEveryPanelReturnsData() {
        Path prometheus = OpsTools.require("prometheus", "Debian package prometheus");
        try (SampleMetricsServer scorer = SampleMetricsServer.start(SampleMetricsServer::scorer);
             SampleMetricsServer trainer = SampleMetricsServer.start(SampleMetricsServer::trainer)) {
            Map<String, List<String>> jobs = new LinkedHashMap<>();
            jobs.put("earthmover-scorer", List.of(scorer.target()));
            jobs.put("earthmover-train", List.of(trainer.target()));
            try (PrometheusServer server = PrometheusServer.start(prometheus, jobs, SCRAPE)) {
                server.awaitScraped(4, Duration.ofSeconds(60));

                List<String> unparsed = new ArrayList<>();
                List<String> empty = new ArrayList<>();
                for (PromQlExpressions.Expression e : PromQlExpressions.fromDashboard(DashboardTest.DASHBOARD)) {
                    PrometheusServer.QueryResult r = server.query(e.promql());
                    if (!r.parsed()) {
                        unparsed.add(e.source() + ": " + r.error());
                    } else if (!r.hasData()) {
                        empty.add(e.source() + ": " + e.promql());
                    }
                }
                for (PromQlExpressions.Expression e : PromQlExpressions.fromRuleFile(AlertRulesTest.RULES)) {
                    PrometheusServer.QueryResult r = server.query(e.promql());
                    if (!r.parsed()) {
                        unparsed.add(e.source() + ": " + r.error());
                    }
                }
                assertThat(unparsed).as("expressions Prometheus cannot parse").isEmpty();
                assertThat(empty).as("panel queries without data").isEmpty();
            }
        }
    }

    @Test
    void reportsAParseErrorForBrokenPromQl() {
        Path prometheus = OpsTools.require("prometheus", "Debian package prometheus");
        try (SampleMetricsServer scorer = SampleMetricsServer.start(SampleMetricsServer::scorer);
             PrometheusServer server = PrometheusServer.start(prometheus, Map.of("earthmover-scorer", List.of(scorer.target())), SCRAPE)) {
            PrometheusServer.QueryResult broken = server.query("sum(rate(earthmover_records_in_total[5m])");
            assertThat(broken.parsed()).isFalse();
            assertThat(broken.errorType()).isEqualTo("bad_data");
            server.awaitScraped(1, Duration.ofSeconds(60));
            assertThat(server.query("earthmover_records_in_total{job=\"earthmover-scorer\"}").hasData()).isTrue();
        }
    }
}
