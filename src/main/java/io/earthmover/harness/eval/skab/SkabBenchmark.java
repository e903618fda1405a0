package io.earthmover.harness.eval.skab;

import io.earthmover.harness.eval.BenchmarkReport;
import io.earthmover.harness.eval.BinaryMetrics;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.Detectors;
import io.earthmover.harness.eval.Stopwatch;
import io.earthmover.harness.eval.ViaKafka;
import io.earthmover.harness.eval.report.Plots;
import io.earthmover.harness.eval.report.ReportFiles;
import io.earthmover.harness.eval.report.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code evaluate skab}: both tracks for every detector, a table, a plot of one experiment, a report. */
public final class SkabBenchmark {
    public static final String PLOT_EXPERIMENT = "valve1/0.csv";
    public static final String PLOT_SENSOR = "Pressure";

    private SkabBenchmark() {
    }

    public static BenchmarkReport run(Path skabDir, List<DetectorFactory> detectors, Path out, double quantile) {
        return run(skabDir, detectors, out, quantile, null);
    }

    /** With {@code kafka} non-null, wgan's test scores come through the Kafka scorer (the others run in-process). */
    public static BenchmarkReport run(Path skabDir, List<DetectorFactory> detectors, Path out, double quantile,
            ViaKafka kafka) {
        Stopwatch total = new Stopwatch();
        SkabData data = SkabData.load(skabDir);
        SkabEvaluator evaluator = new SkabEvaluator(quantile, kafka);
        Table table = new Table("detector", "track", "F1", "FAR %", "MAR %", "TP", "FP", "TN", "FN", "seconds");
        List<Plots.ScoreTrace> traces = new ArrayList<>();
        SkabExperiment plotted = data.experiments().stream().filter(e -> e.name().equals(PLOT_EXPERIMENT))
                .findFirst().orElse(data.experiments().get(0));
        for (SkabTrack track : SkabTrack.values()) {
            for (DetectorFactory f : detectors) {
                SkabEvaluator.Result r = evaluator.evaluate(f, data, track);
                BinaryMetrics m = r.metrics();
                table.row(f.name(), track.label(), String.format("%.3f", m.f1()), String.format("%.2f", m.farPercent()),
                        String.format("%.2f", m.marPercent()), m.tp(), m.fp(), m.tn(), m.fn(),
                        String.format("%.1f", r.seconds()));
                BinaryMetrics a = r.criticAlone();
                if (a != null) {
                    table.row(f.name() + "-critic-alone", track.label(), String.format("%.3f", a.f1()),
                            String.format("%.2f", a.farPercent()), String.format("%.2f", a.marPercent()), a.tp(), a.fp(),
                            a.tn(), a.fn(), "(in wgan's)");
                }
                if (track == SkabTrack.OUTLIER) {
                    SkabEvaluator.FileResult fr = r.files().stream().filter(x -> x.experiment() == plotted)
                            .findFirst().orElseThrow();
                    double[] full = new double[plotted.size()];
                    System.arraycopy(fr.testScores(), 0, full, SkabEvaluator.TRAIN_ROWS, fr.testScores().length);
                    // Plots marks score >= threshold; the rule is score > threshold, so nudge it up by one ulp
                    traces.add(new Plots.ScoreTrace(f.name(), full, Math.nextUp(fr.threshold()),
                            SkabEvaluator.TRAIN_ROWS));
                }
            }
        }
        int sensor = SkabData.SENSORS.indexOf(PLOT_SENSOR);
        double[] values = new double[plotted.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = plotted.rows()[i][sensor];
        }
        String png = "skab-" + plotted.name().replace('/', '-').replace(".csv", "") + ".png";
        Plots.series(out.resolve(png), "SKAB " + plotted.name() + " (" + PLOT_SENSOR + ")", values,
                i -> plotted.anomaly()[i] != 0, traces);

        long testRows = data.experiments().stream().mapToLong(e -> e.size() - SkabEvaluator.TRAIN_ROWS).sum();
        StringBuilder md = new StringBuilder("# SKAB evaluation\n\n");
        md.append(String.format("Data: `%s` — %d experiment files, %d test rows; anomaly-free.csv %d rows.%n%n",
                skabDir, data.experiments().size(), testRows, data.anomalyFree().size()));
        md.append("Protocol (SKAB outlier detection): per file the first 400 rows are training data and fit a ")
                .append("StandardScaler; a fresh detector trains on them and scores every later row in time order. ")
                .append("Track 2 also trains on anomaly-free.csv (same scaler), streamed before the file's 400 rows. ")
                .append("Predictions of all files are concatenated and scored against the `anomaly` column.\n\n");
        md.append(String.format("Decision: wgan's prediction is the service's own `anomaly` field. For rcf and zscore "
                + "(fixed, never tuned on test rows): a row is an anomaly when its score exceeds the %.3f-quantile "
                + "(`--quantile`) of the out-of-sample scores of the file's own training rows 200–399 (each scored "
                + "before the detector learned it).%n%n", quantile));
        md.append("Detectors:\n\n");
        md.append(Detectors.markdown(detectors));
        md.append("- `wgan-critic-alone` (where wgan's profile has the range or frozen-value rule on): wgan's own models ")
                .append("and scorer with both rules off, run beside it on the same records, in process: what the critic ")
                .append("detects by itself.\n");
        if (kafka != null) {
            md.append("\n`--via-kafka`: ").append(ViaKafka.REPORT).append(kafka.equality()).append(".\n");
        }
        md.append('\n').append(table.markdown());
        md.append("\nPublished leaderboard (SKAB README, outlier track): Conv-AE F1 0.78 (FAR 13.55 %, MAR 28.02 %), "
                + "MSET 0.78, T-squared+Q (PCA) 0.76, LSTM-AE 0.74, T-squared 0.66, LSTM-VAE 0.56, "
                + "Isolation forest 0.29.\n\n");
        md.append(String.format("Total wall time: %.1f s.%n%n", total.seconds()));
        md.append("![").append(plotted.name()).append("](").append(png).append(")\n\n");
        md.append("Shaded: labelled anomalous rows. Dots: detections (outlier track).\n");
        Path report = out.resolve("report.md");
        ReportFiles.writeString(report, md.toString());
        String console = table.plain() + (kafka == null ? "" : "via Kafka (wgan): " + kafka.equality() + "\n");
        return new BenchmarkReport(console, report, total.seconds());
    }
}
