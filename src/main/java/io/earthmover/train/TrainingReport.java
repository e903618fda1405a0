package io.earthmover.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.earthmover.model.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * How a model was trained: the per-iteration history and the critic values of holdout and
 * generated samples. {@link #writeTo} draws the PNG plots (XChart) and writes a summary.
 */
public final class TrainingReport {
    public static final String WASSERSTEIN_PNG = "wasserstein.png";
    public static final String LOSSES_PNG = "losses.png";
    public static final String HISTOGRAM_PNG = "critic-histogram.png";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String SUMMARY_MD = "summary.md";
    static final int WIDTH = 900;
    static final int HEIGHT = 500;
    static final int BINS = 60;

    private final String version;
    private final String runtime;
    private final List<IterationStats> history;
    private final double[] holdoutCritic;
    private final double[] generatedCritic;
    private final boolean earlyStopped;
    private final ModelManifest.Metrics metrics;
    private final double criticThreshold;

    TrainingReport(String version, String runtime, List<IterationStats> history, double[] holdoutCritic,
                   double[] generatedCritic, boolean earlyStopped, ModelManifest.Metrics metrics, double criticThreshold) {
        this.version = version;
        this.runtime = runtime;
        this.history = List.copyOf(history);
        this.holdoutCritic = holdoutCritic.clone();
        this.generatedCritic = generatedCritic.clone();
        this.earlyStopped = earlyStopped;
        this.metrics = metrics;
        this.criticThreshold = criticThreshold;
    }

    public List<IterationStats> history() {
        return history;
    }

    public double[] holdoutCritic() {
        return holdoutCritic.clone();
    }

    public double[] generatedCritic() {
        return generatedCritic.clone();
    }

    public boolean earlyStopped() {
        return earlyStopped;
    }

    public ModelManifest.Metrics metrics() {
        return metrics;
    }

    public String runtime() {
        return runtime;
    }

    /** Writes the three PNG plots, summary.json and summary.md into {@code dir} (created if needed). */
    public void writeTo(Path dir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Files.createDirectories(dir);
        int n = history.size();
        double[] it = new double[n];
        double[] w = new double[n];
        double[] ws = new double[n];
        double[] gp = new double[n];
        double[] cl = new double[n];
        double[] gl = new double[n];
        for (int i = 0; i < n; i++) {
            IterationStats s = history.get(i);
            it[i] = s.iteration();
            w[i] = s.wasserstein();
            ws[i] = s.smoothedWasserstein();
            gp[i] = s.gradientPenalty();
            cl[i] = s.criticLoss();
            gl[i] = s.generatorLoss();
        }
        XYChart wc = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Wasserstein estimate")
                .xAxisTitle("generator iteration").yAxisTitle("mean D(real) - mean D(fake)").build();
        if (n > 0) {
            wc.addSeries("estimate", it, w).setMarker(SeriesMarkers.NONE);
            wc.addSeries("smoothed", it, ws).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(wc, dir.resolve(WASSERSTEIN_PNG).toString(), BitmapEncoder.BitmapFormat.PNG);

        XYChart lc = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Losses")
                .xAxisTitle("generator iteration").yAxisTitle("loss").build();
        if (n > 0) {
            lc.addSeries("critic loss", it, cl).setMarker(SeriesMarkers.NONE);
            lc.addSeries("generator loss", it, gl).setMarker(SeriesMarkers.NONE);
            lc.addSeries("gradient penalty (before lambda)", it, gp).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(lc, dir.resolve(LOSSES_PNG).toString(), BitmapEncoder.BitmapFormat.PNG);

        double lo = Math.min(min(holdoutCritic), min(generatedCritic));
        double hi = Math.max(max(holdoutCritic), max(generatedCritic));
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        Histogram hh = new Histogram(boxed(holdoutCritic), BINS, lo, hi);
        Histogram hg = new Histogram(boxed(generatedCritic), BINS, lo, hi);
        CategoryChart hc = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Critic values (anomaly threshold %.4f)", criticThreshold))
                .xAxisTitle("critic value D(x)").yAxisTitle("count").build();
        hc.getStyler().setOverlapped(true);
        hc.getStyler().setXAxisDecimalPattern("#0.00");
        hc.getStyler().setXAxisLabelRotation(90);
        hc.addSeries("normal holdout", hh.getxAxisData(), hh.getyAxisData());
        hc.addSeries("generated", hg.getxAxisData(), hg.getyAxisData());
        BitmapEncoder.saveBitmap(hc, dir.resolve(HISTOGRAM_PNG).toString(), BitmapEncoder.BitmapFormat.PNG);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("version", version);
        summary.put("runtime", runtime);
        summary.put("earlyStopped", earlyStopped);
        summary.put("criticThreshold", criticThreshold);
        summary.put("metrics", metrics);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(SUMMARY_JSON).toFile(), summary);
        String md = String.format(Locale.ROOT, """
                # Training report %s

                - runtime: %s
                - iterations: %d%s, %.1f s
                - Wasserstein estimate (holdout vs generated): %.4f; gradient penalty %.4f
                - holdout critic mean %.4f (std %.4f); generated %.4f; separation %.2f std
                - critic threshold %.4f; holdout false-alarm rate %.4f
                - %d training inputs, %d held out

                ![Wasserstein estimate](%s)
                ![Losses](%s)
                ![Critic values](%s)
                """, version, runtime, metrics.iterations(), earlyStopped ? " (stopped early)" : "",
                metrics.durationSeconds(), metrics.wasserstein(), metrics.gradientPenalty(), metrics.holdoutCriticMean(),
                metrics.holdoutCriticStd(), metrics.generatedCriticMean(), metrics.separation(), criticThreshold,
                metrics.holdoutFalseAlarmRate(), metrics.trainingSamples(), metrics.holdoutSamples(),
                WASSERSTEIN_PNG, LOSSES_PNG, HISTOGRAM_PNG);
        Files.writeString(dir.resolve(SUMMARY_MD), md);
    }

    private static List<Double> boxed(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double x : v) {
            l.add(x);
        }
        return l;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return v.length == 0 ? 0 : m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return v.length == 0 ? 0 : m;
    }
}
