package io.earthmover.harness.eval.report;

import io.earthmover.harness.eval.RankMetrics.PrPoint;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of the evaluation (XChart, headless). */
public final class Plots {
    public static final int WIDTH = 1400;
    public static final int PANEL_HEIGHT = 380;
    public static final int PR_HEIGHT = 700;
    private static final Color WINDOW_FILL = new Color(255, 140, 0, 70);
    private static final Color VALUE = new Color(30, 30, 30);
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(44, 160, 44), new Color(148, 103, 189),
        new Color(214, 39, 40), new Color(140, 86, 75), new Color(23, 190, 207)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** One detector's scores over a series, with the decision threshold. */
    public record ScoreTrace(String detector, double[] scores, double threshold, int firstScoredRow) {
    }

    /**
     * Two stacked panels over row index: the series with its labelled windows shaded, and each
     * detector's score with its detections (score ≥ threshold after the first scored row).
     */
    public static void series(Path png, String title, double[] values, IntPredicate labelled, List<ScoreTrace> traces) {
        int n = values.length;
        double[] x = new double[n];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            x[i] = i;
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        // values min-max scaled so the label band (0/1) shades the whole panel height
        XYChart top = chart(title, "row", String.format("value, scaled (%.4g .. %.4g)", min, max));
        double[] scaled = new double[n];
        double[] unit = new double[n];
        double range = max > min ? max - min : 1.0;
        for (int i = 0; i < n; i++) {
            scaled[i] = (values[i] - min) / range;
            unit[i] = labelled.test(i) ? 1.0 : 0.0;
        }
        top.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        area(top.addSeries("anomaly label", x, unit));
        line(top.addSeries("value", x, scaled)).setLineColor(VALUE);

        XYChart bottom = chart("anomaly scores and detections", "row", "score");
        bottom.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        area(bottom.addSeries("anomaly label", x, unit));
        for (int k = 0; k < traces.size(); k++) {
            ScoreTrace t = traces.get(k);
            Color color = PALETTE[k % PALETTE.length];
            line(bottom.addSeries(t.detector() + " score", x, t.scores())).setLineColor(color);
            List<Double> dx = new ArrayList<>();
            List<Double> dy = new ArrayList<>();
            for (int i = t.firstScoredRow(); i < n; i++) {
                if (t.scores()[i] >= t.threshold()) {
                    dx.add(x[i]);
                    dy.add(t.scores()[i]);
                }
            }
            if (!dx.isEmpty()) {
                XYSeries s = bottom.addSeries(t.detector() + " detections (score \u2265 " + fmt(t.threshold()) + ")",
                        dx, dy);
                s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setMarkerColor(color.darker());
            }
        }
        save(png, List.of(top, bottom), 2);
    }

    /** Precision-recall curves, one per detector, with the prevalence as the chance line. */
    public static void prCurves(Path png, String title, List<String> names, List<List<PrPoint>> curves, double prevalence) {
        XYChart c = chart(title, "recall", "precision", PR_HEIGHT);
        c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        for (int k = 0; k < names.size(); k++) {
            List<Double> r = new ArrayList<>();
            List<Double> p = new ArrayList<>();
            for (PrPoint pt : curves.get(k)) {
                r.add(pt.recall());
                p.add(pt.precision());
            }
            line(c.addSeries(names.get(k), r, p)).setLineColor(PALETTE[k % PALETTE.length]);
        }
        line(c.addSeries("chance (prevalence " + fmt(prevalence) + ")", new double[] {0, 1},
                new double[] {prevalence, prevalence})).setLineColor(Color.GRAY);
        save(png, List.of(c), 1);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        return chart(title, xTitle, yTitle, PANEL_HEIGHT);
    }

    private static XYChart chart(String title, String xTitle, String yTitle, int height) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(LegendPosition.OutsideS);
        return c;
    }

    private static XYSeries line(XYSeries s) {
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineWidth(1.0f);
        return s;
    }

    private static void area(XYSeries s) {
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Area);
        s.setMarker(SeriesMarkers.NONE);
        s.setFillColor(WINDOW_FILL);
        s.setLineColor(WINDOW_FILL);
    }

    private static void save(Path png, List<XYChart> charts, int rows) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            if (charts.size() == 1) {
                BitmapEncoder.saveBitmap(charts.get(0), png.toString(), BitmapEncoder.BitmapFormat.PNG);
            } else {
                BitmapEncoder.saveBitmap(charts, rows, 1, png.toString(), BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(double v) {
        return String.format("%.3f", v);
    }
}
