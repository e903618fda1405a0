package io.earthmover.harness.eval.nab;

import io.earthmover.harness.eval.nab.NabScorer.FileScore;
import io.earthmover.harness.eval.nab.NabScorer.ProfileResult;
import io.earthmover.harness.eval.nab.NabScorer.ScoredSeries;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * NAB's results layout: {@code <root>/<detector>/<category>/<detector>_<name>.csv} with columns
 * {@code timestamp,value,anomaly_score,label}, and {@code <detector>_<profile>_scores.csv} summaries.
 */
public final class NabResultsFiles {
    private NabResultsFiles() {
    }

    public static Path resultFile(Path root, String detector, NabSeries s) {
        return root.resolve(detector).resolve(s.category()).resolve(detector + "_" + s.fileName());
    }

    public static void write(Path root, String detector, ScoredSeries ss) {
        NabSeries s = ss.series();
        Path file = resultFile(root, detector, s);
        try {
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                    CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder()
                            .setHeader("timestamp", "value", "anomaly_score", "label").get())) {
                for (int i = 0; i < s.rows(); i++) {
                    p.printRecord(s.timestamps().get(i), s.values()[i], ss.scores()[i], s.inWindow(i) ? 1 : 0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes NAB's per-profile summary: one row per file and a Totals row. */
    public static void writeSummary(Path root, String detector, ProfileResult r) {
        Path file = root.resolve(detector).resolve(detector + "_" + r.profile().name() + "_scores.csv");
        try {
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                    CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("Detector", "Profile",
                            "File", "Threshold", "Score", "TP", "TN", "FP", "FN", "Total_Count").get())) {
                int[] t = new int[5];
                for (FileScore f : r.files()) {
                    p.printRecord(detector, r.profile().name(), f.file(), r.threshold(), f.score(), f.tp(), f.tn(),
                            f.fp(), f.fn(), f.totalRows());
                    t[0] += f.tp();
                    t[1] += f.tn();
                    t[2] += f.fp();
                    t[3] += f.fn();
                    t[4] += f.totalRows();
                }
                p.printRecord("Totals", "", "", "", r.rawScore(), t[0], t[1], t[2], t[3], t[4]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a detector's {@code anomaly_score} columns back, matched to the corpus' series. */
    public static List<ScoredSeries> read(Path root, String detector, NabCorpus corpus) {
        List<ScoredSeries> out = new ArrayList<>();
        for (NabSeries s : corpus.series()) {
            Path file = resultFile(root, detector, s);
            List<Double> scores = new ArrayList<>();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                        .parse(r)) {
                    scores.add(Double.parseDouble(rec.get("anomaly_score")));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.add(new ScoredSeries(s, scores.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return out;
    }
}
