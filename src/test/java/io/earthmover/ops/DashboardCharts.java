package io.earthmover.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the dashboard's main panels as PNG charts with XChart, from a real Prometheus: Grafana
 * cannot run on the build machine, so the same panel queries (taken from the dashboard JSON, with
 * {@code $__rate_interval} at the 4 s Grafana uses for a 1 s scrape interval) go through
 * {@code /api/v1/query_range} and the results are plotted.
 */
final class DashboardCharts {
    private static final String RATE_INTERVAL = "4s";
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final int WIDTH = 720;
    private static final int HEIGHT = 280;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf)};

    private final PrometheusServer server;
    private final List<PromQlExpressions.Expression> panels;

    DashboardCharts(PrometheusServer server, String scorerJob) {
        this.server = server;
        this.panels = PromQlExpressions.fromDashboard(DashboardTest.DASHBOARD, Map.of(
                "$__rate_interval", RATE_INTERVAL, "${__rate_interval}", RATE_INTERVAL, "$job", scorerJob, "${job}", scorerJob));
    }

    /** Renders the charts for [start, end] into {@code dir}; returns the files written. */
    List<Path> render(Path dir, Instant from, Instant end) throws IOException {
        Files.createDirectories(dir);
        Instant start = Instant.ofEpochSecond(from.getEpochSecond()); // whole seconds on the x axis
        List<Path> out = new ArrayList<>();
        XYChart throughput = lines("Throughput", "records / s", start, end, 1, "Records per second", "Rejected per second, by code");
        out.add(save(throughput, dir.resolve("throughput.png")));
        out.add(save(lines("Anomaly rate", "% of scored records", start, end, 100, "Anomaly rate"), dir.resolve("anomaly-rate.png")));
        out.add(save(scoreHeatmap(start, end), dir.resolve("score-heatmap.png")));
        out.add(save(lines("End-to-end latency", "ms", start, end, 1000, "End-to-end latency"), dir.resolve("latency.png")));
        out.add(save(modelAge(start, end), dir.resolve("model-age.png")));
        out.add(save(lines("Drift (critic's Wasserstein estimate, live vs. holdout)", "estimate", start, end, 1,
                "Drift (Wasserstein estimate)"), dir.resolve("drift.png")));
        return out;
    }

    private List<PromQlExpressions.Expression> panel(String title) {
        List<PromQlExpressions.Expression> found = panels.stream().filter(e -> e.panel().equals(title)).toList();
        if (found.isEmpty()) {
            throw new IllegalStateException("no panel '" + title + "' in " + DashboardTest.DASHBOARD);
        }
        return found;
    }

    /** A line chart of the given panels' queries, x in seconds since {@code start}, y scaled by {@code scale}. */
    private XYChart lines(String title, String yTitle, Instant start, Instant end, double scale, String... panelTitles) {
        XYChart chart = xyChart(title, yTitle);
        int colour = 0;
        for (String panelTitle : panelTitles) {
            for (PromQlExpressions.Expression e : panel(panelTitle)) {
                for (JsonNode series : range(e.promql(), start, end, STEP)) {
                    List<Double> xs = new ArrayList<>();
                    List<Double> ys = new ArrayList<>();
                    boolean nonZero = false;
                    for (JsonNode point : series.path("values")) {
                        double v = Double.parseDouble(point.get(1).asText()) * scale;
                        if (Double.isFinite(v)) {
                            xs.add(point.get(0).asDouble() - start.getEpochSecond());
                            ys.add(v);
                            nonZero |= v != 0;
                        }
                    }
                    if (xs.isEmpty() || !nonZero) {
                        continue; // e.g. rejection codes that never occurred
                    }
                    String name = legend(e.legend(), series.path("metric"));
                    XYSeries s = chart.addSeries(name, xs, ys);
                    s.setMarker(SeriesMarkers.NONE);
                    s.setLineColor(PALETTE[colour++ % PALETTE.length]);
                }
            }
        }
        return chart;
    }

    private XYChart modelAge(Instant start, Instant end) {
        String version = "?";
        PrometheusServer.QueryResult info = server.query(panel("Serving model").get(0).promql());
        for (JsonNode s : info.result()) {
            version = s.path("metric").path("version").asText(version);
        }
        XYChart chart = lines("Model age (serving " + version + ")", "age (s)", start, end, 1, "Model age");
        return chart;
    }

    /** Score distribution as Grafana's heatmap draws it: per time step, the count in each bucket. */
    private HeatMapChart scoreHeatmap(Instant start, Instant end) {
        Duration step = Duration.parse("PT" + RATE_INTERVAL.toUpperCase(Locale.ROOT)); // windows tile the range
        PromQlExpressions.Expression e = panel("Score distribution").get(0);
        TreeMap<Double, JsonNode> byLe = new TreeMap<>();
        for (JsonNode series : range(e.promql(), start, end, step)) {
            String le = series.path("metric").path("le").asText();
            byLe.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), series.path("values"));
        }
        List<Double> bounds = new ArrayList<>(byLe.keySet());
        int columns = byLe.isEmpty() ? 0 : byLe.firstEntry().getValue().size();
        List<String> xLabels = new ArrayList<>();
        List<String> yLabels = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        for (int b = 0; b < bounds.size(); b++) {
            double lower = b == 0 ? 0 : bounds.get(b - 1);
            yLabels.add(b == 0 ? "≤ " + fmt(bounds.get(0)) : fmt(lower) + "–" + fmt(bounds.get(b)));
        }
        for (int c = 0; c < columns; c++) {
            JsonNode first = byLe.firstEntry().getValue().get(c);
            xLabels.add(String.valueOf(Math.round(first.get(0).asDouble() - start.getEpochSecond())));
            double below = 0;
            for (int b = 0; b < bounds.size(); b++) {
                JsonNode point = byLe.get(bounds.get(b)).get(c);
                double cumulative = point == null ? below : Double.parseDouble(point.get(1).asText());
                cells.add(new Number[] {c, b, Math.max(0, Math.round(cumulative - below))});
                below = Math.max(below, cumulative);
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT + 60)
                .title("Score distribution (records per bucket per " + RATE_INTERVAL + ")")
                .xAxisTitle("time (s)").yAxisTitle("calibrated score").build();
        chart.getStyler().setShowValue(false).setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x6baed6),
                new Color(0x08306b), new Color(0xd62728)});
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("records", xLabels, yLabels, cells);
        return chart;
    }

    private JsonNode range(String promql, Instant start, Instant end, Duration step) {
        PrometheusServer.QueryResult r = server.queryRange(promql, start, end, step);
        if (!r.parsed()) {
            throw new IllegalStateException(promql + ": " + r.error());
        }
        return r.result();
    }

    private static XYChart xyChart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("time (s)").yAxisTitle(yTitle).build();
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setXAxisDecimalPattern("0");
        return chart;
    }

    /** Grafana's legend format: {{label}} replaced by the series' label value. */
    private static String legend(String format, JsonNode labels) {
        String s = format.isEmpty() ? labels.toString() : format;
        var fields = labels.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            s = s.replace("{{" + f.getKey() + "}}", f.getValue().asText());
        }
        return s;
    }

    private static String fmt(double d) {
        return Double.isInfinite(d) ? "∞" : String.format(Locale.ROOT, "%s", d);
    }

    private static Path save(Chart<?, ?> chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
