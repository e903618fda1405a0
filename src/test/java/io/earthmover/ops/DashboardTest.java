package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard is importable anywhere: fixed uid, datasource chosen through a variable. */
class DashboardTest {
    static final Path DASHBOARD = Path.of("grafana/dashboards/earthmover.json");

    @Test
    void hasFixedUidAndDatasourceVariable() {
        JsonNode d = PromQlExpressions.readJson(DASHBOARD);
        assertThat(d.path("uid").asText()).isEqualTo("earthmover-overview");
        assertThat(d.path("templating").path("list")).anySatisfy(v -> {
            assertThat(v.path("name").asText()).isEqualTo("datasource");
            assertThat(v.path("type").asText()).isEqualTo("datasource");
            assertThat(v.path("query").asText()).isEqualTo("prometheus");
        });
    }

    @Test
    void everyPanelAndQueryUsesTheDatasourceVariable() {
        List<String> offenders = new ArrayList<>();
        for (JsonNode panel : PromQlExpressions.readJson(DASHBOARD).path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            if (!panel.path("datasource").path("uid").asText().equals("${datasource}")) {
                offenders.add(panel.path("title").asText());
            }
            for (JsonNode t : panel.path("targets")) {
                if (!t.path("datasource").path("uid").asText().equals("${datasource}")) {
                    offenders.add(panel.path("title").asText() + " " + t.path("refId").asText());
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void hasTheRowsOfTheIssueInOrder() {
        List<String> rows = new ArrayList<>();
        for (JsonNode panel : PromQlExpressions.readJson(DASHBOARD).path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
            }
        }
        assertThat(rows).containsExactly("Throughput", "Anomalies", "Latency and lag", "Model", "Training", "JVM");
    }

    @Test
    void scoreDistributionIsAHeatmapOfTheHistogramBuckets() {
        JsonNode heatmap = null;
        for (JsonNode panel : PromQlExpressions.readJson(DASHBOARD).path("panels")) {
            if (panel.path("type").asText().equals("heatmap")) {
                heatmap = panel;
            }
        }
        assertThat(heatmap).as("a heatmap panel").isNotNull();
        JsonNode target = heatmap.path("targets").get(0);
        assertThat(target.path("format").asText()).isEqualTo("heatmap");
        assertThat(target.path("expr").asText()).contains("earthmover_score_bucket").contains("by (le)");
    }

    @Test
    void everyNonRowPanelHasAQueryAndNoVariableIsLeftAfterSubstitution() {
        List<PromQlExpressions.Expression> exprs = PromQlExpressions.fromDashboard(DASHBOARD);
        long panels = 0;
        for (JsonNode panel : PromQlExpressions.readJson(DASHBOARD).path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                panels++;
                assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            }
        }
        assertThat(exprs).hasSizeGreaterThanOrEqualTo((int) panels);
        assertThat(exprs).allSatisfy(e -> assertThat(e.promql()).as(e.source()).doesNotContain("$"));
    }
}
