package io.earthmover.harness.eval.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The NAB corpus under a data directory: {@code data/<category>/<name>.csv},
 * {@code labels/combined_windows.json} and {@code config/profiles.json}.
 */
public record NabCorpus(List<NabSeries> series, List<NabProfile> profiles, int windowCount) {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Loads the series that the label file lists (all 58), in the label file's key order sorted. */
    public static NabCorpus load(Path nabDir) {
        Path labels = nabDir.resolve("labels/combined_windows.json");
        Path profilesFile = nabDir.resolve("config/profiles.json");
        for (Path p : List.of(labels, profilesFile, nabDir.resolve("data"))) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("not a NAB directory (missing " + p + ")");
            }
        }
        try {
            JsonNode windowsJson = JSON.readTree(labels.toFile());
            List<String> keys = new ArrayList<>();
            windowsJson.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            List<NabSeries> series = new ArrayList<>();
            int windowCount = 0;
            for (String key : keys) {
                List<String[]> limits = new ArrayList<>();
                for (JsonNode w : windowsJson.get(key)) {
                    limits.add(new String[] {w.get(0).asText(), w.get(1).asText()});
                }
                windowCount += limits.size();
                series.add(readSeries(nabDir.resolve("data").resolve(key), key, limits));
            }
            return new NabCorpus(List.copyOf(series), readProfiles(profilesFile), windowCount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public NabProfile profile(String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no profile " + name));
    }

    static List<NabProfile> readProfiles(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        List<NabProfile> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode cm = e.getValue().get("CostMatrix");
            out.add(new NabProfile(e.getKey(), cm.get("tpWeight").asDouble(), cm.get("fpWeight").asDouble(),
                    cm.get("fnWeight").asDouble()));
        }
        return List.copyOf(out);
    }

    private static NabSeries readSeries(Path file, String key, List<String[]> limits) throws IOException {
        List<String> ts = new ArrayList<>();
        List<Double> vals = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
                ts.add(rec.get("timestamp"));
                vals.add(Double.parseDouble(rec.get("value")));
            }
        }
        long[] millis = new long[ts.size()];
        Map<LocalDateTime, Integer> index = new HashMap<>();
        for (int i = 0; i < ts.size(); i++) {
            LocalDateTime t = parse(ts.get(i));
            millis[i] = t.toInstant(ZoneOffset.UTC).toEpochMilli();
            index.putIfAbsent(t, i);
        }
        List<NabWindow> windows = new ArrayList<>();
        for (String[] l : limits) {
            Integer a = index.get(parse(l[0]));
            Integer b = index.get(parse(l[1]));
            if (a == null || b == null) {
                // NAB's sweeper only enters a window at an exact timestamp match
                throw new IllegalArgumentException(key + ": window " + l[0] + " .. " + l[1]
                        + " does not start and end on rows of the file");
            }
            windows.add(new NabWindow(a, b));
        }
        windows.sort((x, y) -> Integer.compare(x.start(), y.start()));
        double[] v = vals.stream().mapToDouble(Double::doubleValue).toArray();
        return new NabSeries(key, List.copyOf(ts), millis, v, List.copyOf(windows));
    }

    /** Accepts {@code 2014-02-19 10:50:00} and the labels' {@code 2014-02-19 10:50:00.000000}. */
    static LocalDateTime parse(String s) {
        String t = s.strip();
        return LocalDateTime.parse(t.length() > 19 ? t.substring(0, 19) : t, TS);
    }
}
