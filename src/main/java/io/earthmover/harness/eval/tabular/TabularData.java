package io.earthmover.harness.eval.tabular;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** An ADBench-style CSV: feature columns then {@code label} (1 = anomaly). */
public record TabularData(String name, double[][] rows, int[] labels) {

    public static TabularData load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file " + file);
        }
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
            var parser = fmt.parse(r);
            List<String> header = parser.getHeaderNames();
            int labelCol = header.indexOf("label");
            if (labelCol < 0) {
                throw new IllegalArgumentException(file + ": no 'label' column");
            }
            for (CSVRecord rec : parser) {
                double[] row = new double[header.size() - 1];
                int k = 0;
                for (int j = 0; j < header.size(); j++) {
                    if (j != labelCol) {
                        row[k++] = Double.parseDouble(rec.get(j));
                    }
                }
                rows.add(row);
                labels.add((int) Math.round(Double.parseDouble(rec.get(labelCol))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = file.getFileName().toString().replaceFirst("\\.csv$", "");
        return new TabularData(name, rows.toArray(new double[0][]), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    public int anomalies() {
        int n = 0;
        for (int l : labels) {
            n += l != 0 ? 1 : 0;
        }
        return n;
    }
}
