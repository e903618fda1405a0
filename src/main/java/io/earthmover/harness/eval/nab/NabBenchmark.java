package io.earthmover.harness.eval.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.earthmover.harness.eval.BenchmarkReport;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.Detectors;
import io.earthmover.harness.eval.Progress;
import io.earthmover.harness.eval.Stopwatch;
import io.earthmover.harness.eval.ViaKafka;
import io.earthmover.harness.eval.nab.NabScorer.ProfileResult;
import io.earthmover.harness.eval.nab.NabScorer.ScoredSeries;
import io.earthmover.harness.eval.report.Plots;
import io.earthmover.harness.eval.report.ReportFiles;
import io.earthmover.harness.eval.report.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * {@code evaluate nab}: runs every detector over the corpus in NAB's online protocol, writes NAB's
 * results layout under {@code <out>/results}, scores it with {@link NabScorer} and writes
 * {@code <out>/report.md} with a plot of one series.
 */
public final class NabBenchmark {
    public static final String DEFAULT_PLOT_SERIES = "realKnownCause/nyc_taxi.csv";
    /** Published detectors shown next to ours for reference. */
    static final List<String> PUBLISHED = List.of("numenta", "randomCutForest", "null");
    private static final ObjectMapper JSON = new ObjectMapper();

    private NabBenchmark() {
    }

    public static BenchmarkReport run(Path nabDir, List<DetectorFactory> detectors, Path out, String plotSeries) {
        return run(nabDir, detectors, out, plotSeries, null);
    }

    /** With {@code kafka} non-null, wgan's scores come through the Kafka scorer (the others run in-process). */
    public static BenchmarkReport run(Path nabDir, List<DetectorFactory> detectors, Path out, String plotSeries,
            ViaKafka kafka) {
        Stopwatch total = new Stopwatch();
        NabCorpus corpus = NabCorpus.load(nabDir);
        int rows = corpus.series().stream().mapToInt(NabSeries::rows).sum();
        Path results = out.resolve("results");
        Map<String, List<ScoredSeries>> scored = new LinkedHashMap<>();
        Map<String, List<ProfileResult>> scores = new LinkedHashMap<>();
        Map<String, double[]> seconds = new LinkedHashMap<>();
        for (DetectorFactory f : detectors) {
            Stopwatch sw = new Stopwatch();
            List<ScoredSeries> list = new ArrayList<>();
            List<ScoredSeries> alone = new ArrayList<>();
            String aloneName = f.name() + NabRunner.CRITIC_ALONE;
            try (ProgressBar pb = Progress.bar("nab " + f.name(), corpus.series().size())) {
                for (NabSeries s : corpus.series()) {
                    NabRunner.Run run = NabRunner.runWithCompanion(f, s, kafka);
                    NabResultsFiles.write(results, f.name(), run.served());
                    list.add(run.served());
                    if (run.criticAlone() != null) {
                        NabResultsFiles.write(results, aloneName, run.criticAlone());
                        alone.add(run.criticAlone());
                    }
                    pb.step();
                }
            }
            double detect = sw.seconds();
            score(corpus, results, f.name(), list, detect, scored, scores, seconds);
            if (!alone.isEmpty()) {
                // the companion ran inside the same detection pass: no time of its own to report
                score(corpus, results, aloneName, alone, Double.NaN, scored, scores, seconds);
            }
        }
        JsonNode published = readPublished(nabDir);
        writeFinalResults(results.resolve("final_results.json"), scores);

        List<String> profileNames = corpus.profiles().stream().map(NabProfile::name).toList();
        List<String> header = new ArrayList<>(List.of("detector"));
        header.addAll(profileNames);
        header.addAll(List.of("threshold (standard)", "detect s", "score s"));
        Table table = new Table(header.toArray(new String[0]));
        for (var e : scores.entrySet()) {
            List<Object> r = new ArrayList<>(List.of(e.getKey()));
            for (ProfileResult p : e.getValue()) {
                r.add(String.format("%.1f", p.normalisedScore()));
            }
            r.add(String.format("%.4f", byName(e.getValue(), "standard").threshold()));
            double detect = seconds.get(e.getKey())[0];
            r.add(Double.isNaN(detect) ? "(in wgan's)" : String.format("%.1f", detect));
            r.add(String.format("%.1f", seconds.get(e.getKey())[1]));
            table.row(r.toArray());
        }
        if (published != null) {
            for (String d : PUBLISHED) {
                if (published.has(d)) {
                    List<Object> r = new ArrayList<>(List.of(d + " (published)"));
                    for (String p : profileNames) {
                        r.add(String.format("%.1f", published.get(d).get(p).asDouble()));
                    }
                    r.addAll(List.of("", "", ""));
                    table.row(r.toArray());
                }
            }
        }

        NabSeries plotted = corpus.series().stream().filter(s -> s.relativePath().equals(plotSeries)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no NAB series " + plotSeries));
        List<Plots.ScoreTrace> traces = new ArrayList<>();
        for (var e : scored.entrySet()) {
            ScoredSeries ss = e.getValue().stream().filter(x -> x.series() == plotted).findFirst().orElseThrow();
            traces.add(new Plots.ScoreTrace(e.getKey(), ss.scores(), byName(scores.get(e.getKey()), "standard")
                    .threshold(), plotted.probationaryRows()));
        }
        String png = "nab-" + plotted.relativePath().replace('/', '-').replace(".csv", "") + ".png";
        Plots.series(out.resolve(png), "NAB " + plotted.relativePath(), plotted.values(), plotted::inWindow, traces);

        StringBuilder md = new StringBuilder("# NAB evaluation\n\n");
        md.append(String.format("Data: `%s` — %d series, %d rows, %d anomaly windows.%n%n", nabDir,
                corpus.series().size(), rows, corpus.windowCount()));
        md.append("Protocol: each series online in time order; a fresh detector per series learns on the ")
                .append("probationary rows (min(floor(0.15·rows), 750)) and then scores each later row before it ")
                .append("may learn it. Scored by earthmover's NAB scorer (threshold optimised over the corpus per ")
                .append("profile, normalised with the null detector); it reproduces NAB's published numenta and ")
                .append("randomCutForest scores from their shipped raw results.\n\n");
        md.append("Detectors:\n\n");
        md.append(Detectors.markdown(detectors));
        if (scores.keySet().stream().anyMatch(n -> n.endsWith(NabRunner.CRITIC_ALONE))) {
            md.append("- `wgan").append(NabRunner.CRITIC_ALONE).append("`: wgan's own models and scorer with the range and ")
                    .append("frozen-value rules off (`alarm.range.enabled=false`, `alarm.frozen.enabled=false`), run beside ")
                    .append("it on the same records, in process: what the critic's likelihood detects by itself.\n");
        }
        if (kafka != null) {
            md.append("\n`--via-kafka`: ").append(ViaKafka.REPORT).append(kafka.equality()).append(".\n");
        }
        md.append("\nNormalised NAB scores (higher is better; 100 = perfect, 0 = null detector):\n\n");
        md.append(table.markdown());
        md.append(String.format("%nTotal wall time: %.1f s (detect = running the detector over all series; "
                + "score = threshold sweep and normalisation for 3 profiles).%n%n", total.seconds()));
        md.append("Raw results in NAB's layout: `results/<detector>/<category>/<detector>_<name>.csv`, ")
                .append("summaries `results/<detector>/<detector>_<profile>_scores.csv`, `results/final_results.json`.\n\n");
        md.append("![").append(plotted.relativePath()).append("](").append(png).append(")\n\n");
        md.append("Shaded: NAB's labelled anomaly windows. Dots: detections at the detector's standard-profile threshold.\n");
        Path report = out.resolve("report.md");
        ReportFiles.writeString(report, md.toString());
        String console = table.plain() + (kafka == null ? "" : "via Kafka (wgan): " + kafka.equality() + "\n");
        return new BenchmarkReport(console, report, total.seconds());
    }

    private static void score(NabCorpus corpus, Path results, String name, List<ScoredSeries> list, double detect,
            Map<String, List<ScoredSeries>> scored, Map<String, List<ProfileResult>> scores, Map<String, double[]> seconds) {
        Stopwatch sc = new Stopwatch();
        List<ProfileResult> pr = NabScorer.scoreAll(corpus, list);
        pr.forEach(r -> NabResultsFiles.writeSummary(results, name, r));
        scored.put(name, list);
        scores.put(name, pr);
        seconds.put(name, new double[] {detect, sc.seconds()});
    }

    private static ProfileResult byName(List<ProfileResult> list, String profile) {
        return list.stream().filter(p -> p.profile().name().equals(profile)).findFirst().orElse(list.get(0));
    }

    private static JsonNode readPublished(Path nabDir) {
        Path f = nabDir.resolve("results/final_results.json");
        try {
            return Files.exists(f) ? JSON.readTree(f.toFile()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeFinalResults(Path file, Map<String, List<ProfileResult>> scores) {
        ObjectNode root = JSON.createObjectNode();
        scores.forEach((d, list) -> {
            ObjectNode n = root.putObject(d);
            list.forEach(p -> n.put(p.profile().name(), p.normalisedScore()));
        });
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
