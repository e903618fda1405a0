package io.earthmover.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayerCostsTest {
    private static PipelineBenchmark.Row row(String g, String variant, double passthrough, double scoring) {
        PipelineBenchmark.Latency none = new PipelineBenchmark.Latency(0, 0, 0, -1, -1, -1);
        return new PipelineBenchmark.Row(g, variant, passthrough, scoring, none, none, 1000, Double.NaN);
    }

    @Test
    void eachLayerCostsItsShareOfTheCriticOnlyRatioToPassthrough() {
        // the first row's machine was half as fast: its own passthrough says so
        List<PipelineBenchmark.Row> rows = List.of(
                row("at_least_once", "defaults", 100_000, 30_000),
                row("at_least_once", LayerCosts.WITHOUT_INSPECTION.toString(), 200_000, 80_000),
                row("at_least_once", LayerCosts.WITHOUT_LAYERS.toString(), 200_000, 100_000));
        assertThat(LayerCosts.describe(rows)).singleElement().asString()
                .contains("inspection stores 20.0 %").contains("alarm layer 20.0 %").contains("both on 0.30");
    }

    @Test
    void aGuaranteeWithoutAllThreeRowsGetsNoLine() {
        List<PipelineBenchmark.Row> rows = List.of(
                row("exactly_once_v2", "defaults", 100_000, 80_000),
                row("exactly_once_v2", LayerCosts.WITHOUT_INSPECTION.toString(), 100_000, 90_000));
        assertThat(LayerCosts.describe(rows)).isEmpty();
    }

    @Test
    void theVariantsLabelsAreTheSettingsTheBenchmarkRunsThemWith() {
        assertThat(LayerCosts.WITHOUT_LAYERS.toString()).isEqualTo("{alarm.enabled=false, inspect.enabled=false}");
        assertThat(LayerCosts.variants()).containsExactly(LayerCosts.WITHOUT_INSPECTION, LayerCosts.WITHOUT_LAYERS);
    }
}
