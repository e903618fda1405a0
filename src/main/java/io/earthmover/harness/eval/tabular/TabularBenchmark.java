package io.earthmover.harness.eval.tabular;

import io.earthmover.harness.eval.BenchmarkReport;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.Detectors;
import io.earthmover.harness.eval.RankMetrics.PrPoint;
import io.earthmover.harness.eval.Stopwatch;
import io.earthmover.harness.eval.report.Plots;
import io.earthmover.harness.eval.report.ReportFiles;
import io.earthmover.harness.eval.report.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code evaluate tabular}: every detector on every data file, a table, PR curves, a report. */
public final class TabularBenchmark {
    private TabularBenchmark() {
    }

    public static BenchmarkReport run(List<Path> files, List<DetectorFactory> detectors, Path out, int seeds,
            double trainShare) {
        Stopwatch total = new Stopwatch();
        TabularEvaluator evaluator = new TabularEvaluator(seeds, trainShare);
        Table table = new Table("dataset", "rows", "anomalies", "detector", "ROC-AUC", "PR-AUC", "seconds");
        StringBuilder plots = new StringBuilder();
        for (Path file : files) {
            TabularData data = TabularData.load(file);
            List<String> names = new ArrayList<>();
            List<List<PrPoint>> curves = new ArrayList<>();
            double prevalence = 0;
            for (DetectorFactory f : detectors) {
                TabularEvaluator.Result r = evaluator.evaluate(f, data);
                table.row(data.name(), data.rows().length, data.anomalies(), f.name(),
                        String.format("%.3f ± %.3f", r.rocMean(), r.rocStd()),
                        String.format("%.3f ± %.3f", r.prMean(), r.prStd()), String.format("%.1f", r.seconds()));
                names.add(f.name() + String.format(" (AP %.3f)", r.prAuc()[0]));
                curves.add(r.firstSeedCurve());
                prevalence = r.firstSeedPrevalence();
            }
            String png = "tabular-" + data.name() + "-pr.png";
            Plots.prCurves(out.resolve(png), "PR curves, " + data.name() + " (seed 0 test split)", names, curves,
                    prevalence);
            plots.append("![").append(data.name()).append("](").append(png).append(")\n\n");
        }
        StringBuilder md = new StringBuilder("# Tabular evaluation (semi-supervised)\n\n");
        md.append(String.format("Protocol: for each of %d seeds, a seeded shuffle takes %.0f %% of the normal rows "
                + "for training (StandardScaler fitted on them); the detector trains on them (frozen afterwards, "
                + "no row order) and scores the other normal rows and every anomaly. ROC-AUC and PR-AUC "
                + "(average precision) as mean ± std (population) over the seeds.%n%n", seeds, 100 * trainShare));
        md.append("Detectors:\n\n");
        md.append(Detectors.markdown(detectors));
        md.append('\n').append(table.markdown());
        md.append("\nReference: Isolation Forest ROC-AUC on cardio 0.924 (PyOD benchmark).\n\n");
        md.append(String.format("Total wall time: %.1f s.%n%n", total.seconds()));
        md.append(plots);
        Path report = out.resolve("report.md");
        ReportFiles.writeString(report, md.toString());
        return new BenchmarkReport(table.plain(), report, total.seconds());
    }
}
