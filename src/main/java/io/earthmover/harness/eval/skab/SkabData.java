package io.earthmover.harness.eval.skab;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * SKAB v0.9 under a directory ({@code skab/} or its {@code data/}): the experiment files of
 * {@code valve1/}, {@code valve2/} and {@code other/}, and {@code anomaly-free/anomaly-free.csv}.
 */
public record SkabData(List<SkabExperiment> experiments, SkabExperiment anomalyFree) {
    public static final List<String> SENSORS = List.of("Accelerometer1RMS", "Accelerometer2RMS", "Current",
            "Pressure", "Temperature", "Thermocouple", "Voltage", "Volume Flow RateRMS");
    static final List<String> GROUPS = List.of("valve1", "valve2", "other");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public static SkabData load(Path dir) {
        Path data = Files.isDirectory(dir.resolve("data")) ? dir.resolve("data") : dir;
        Path free = data.resolve("anomaly-free/anomaly-free.csv");
        if (!Files.exists(free)) {
            throw new IllegalArgumentException("not a SKAB directory (missing " + free + ")");
        }
        List<SkabExperiment> experiments = new ArrayList<>();
        for (String g : GROUPS) {
            try (Stream<Path> files = Files.list(data.resolve(g))) {
                List<Path> csvs = files.filter(p -> p.toString().endsWith(".csv"))
                        .sorted(Comparator.comparing(SkabData::numericName)).toList();
                for (Path p : csvs) {
                    experiments.add(read(p, g + "/" + p.getFileName()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new SkabData(List.copyOf(experiments), read(free, "anomaly-free/anomaly-free.csv"));
    }

    private static String numericName(Path p) {
        String n = p.getFileName().toString().replace(".csv", "");
        return n.matches("\\d+") ? String.format("%08d", Integer.parseInt(n)) : n;
    }

    static SkabExperiment read(Path file, String name) {
        List<long[]> ts = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CSVFormat fmt = CSVFormat.DEFAULT.builder().setDelimiter(';').setHeader().setSkipHeaderRecord(true).get();
            for (CSVRecord rec : fmt.parse(r)) {
                ts.add(new long[] {LocalDateTime.parse(rec.get("datetime").strip(), TS)
                        .toInstant(ZoneOffset.UTC).toEpochMilli()});
                double[] row = new double[SENSORS.size()];
                for (int j = 0; j < row.length; j++) {
                    row[j] = Double.parseDouble(rec.get(SENSORS.get(j)));
                }
                rows.add(row);
                labels.add(rec.isMapped("anomaly") ? (int) Math.round(Double.parseDouble(rec.get("anomaly"))) : 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SkabExperiment(name, ts.stream().mapToLong(a -> a[0]).toArray(), rows.toArray(new double[0][]),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }
}
