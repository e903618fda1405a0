package io.earthmover.harness.eval.regimes;

import io.earthmover.harness.eval.nab.NabScorer;
import io.earthmover.harness.eval.nab.NabWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * {@code evaluate regimes}' data: a seeded NAB-layout corpus of univariate series that switch between
 * a common regime and a rare but internally consistent one, with anomalies that stay inside the range
 * of the training rows, so that no range rule can find them: a detector must judge the newest value
 * given its context. Regime switches are not anomalies and are never inside a window.
 *
 * <p>Each series: {@value #ROWS} records, 5 minutes apart. Common regime: a daily sine (period 288)
 * with noise around one level. Rare regime: another level, a 6-hour period (72), a smaller amplitude
 * and noise, a few hundred records long; it occurs once inside NAB's probationary rows (the first
 * 15 %, all of it: training sees it begin and end) and twice later. Anomalies, 2 or 3 per series, all
 * after the probationary rows: the first lies inside a later rare stretch, the others in the common
 * regime (see {@link Kind}).
 */
public final class RegimeCorpus {
    public static final int ROWS = 4000;
    public static final String CATEGORY = "regimes";
    static final int DAY = 288;
    static final int RARE_PERIOD = 72;
    /** Rows kept between a window and a regime switch, so a detector's alarm at a switch is a false positive. */
    static final int MARGIN = 12;
    private static final LocalDateTime START = LocalDateTime.of(2020, 1, 6, 0, 0);
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private RegimeCorpus() {
    }

    /** What an anomaly does; each keeps its values inside the training rows' min/max. */
    public enum Kind {
        /** A few records (4–6) of the common regime's values inside a rare stretch: an exit and re-entry no longer than a shingle. */
        COMMON_IN_RARE,
        /** The daily sine's phase jumps by half a period near a peak or trough, and the series goes on shifted. */
        PHASE_JUMP,
        /** For one fast cycle (36 records) the common regime's period is an eighth of a day. */
        PERIOD_CHANGE
    }

    /** Inclusive row range. */
    public record Span(int start, int end) {
        boolean overlaps(int a, int b) {
            return a <= end && b >= start;
        }
    }

    /** One anomaly: its kind and its rows (inclusive). */
    public record Anomaly(Kind kind, int start, int end) {
        int centre() {
            return (start + end) / 2;
        }
    }

    /**
     * One generated series.
     *
     * @param key the NAB key, {@code regimes/regimes_01.csv}
     * @param values one value per row
     * @param rare the rare regime's stretches, in time order
     * @param anomalies in time order
     * @param windows one per anomaly, in the same order: NAB's width (10 % of the rows divided by the
     *     number of anomalies) centred on the anomaly
     */
    public record RegimeSeries(String key, double[] values, List<Span> rare, List<Anomaly> anomalies,
            List<NabWindow> windows) {

        public boolean anomalous(int row) {
            return anomalies.stream().anyMatch(a -> row >= a.start() && row <= a.end());
        }

        public static String timestamp(int row) {
            return START.plusMinutes(5L * row).format(TS);
        }
    }

    /** The corpus for {@code seed}: the same seed gives the same series, value for value. */
    public static List<RegimeSeries> generate(long seed, int series) {
        if (series < 1) {
            throw new IllegalArgumentException("--series must be at least 1, got " + series);
        }
        Random rnd = new Random(seed);
        List<RegimeSeries> out = new ArrayList<>();
        for (int i = 0; i < series; i++) {
            // one generator per series, seeded from the corpus seed: series i does not depend on how many follow it
            out.add(one(String.format("%s/%s_%02d.csv", CATEGORY, CATEGORY, i + 1), new Random(rnd.nextLong())));
        }
        return List.copyOf(out);
    }

    private static RegimeSeries one(String key, Random rnd) {
        int probation = NabScorer.probationaryLength(ROWS);
        double level = 8 + 4 * rnd.nextDouble();
        double amp = 1.5 + rnd.nextDouble();
        double noise = 0.15 + 0.15 * rnd.nextDouble();
        // the rare level lies above or below the common one, clear of the daily swing
        double rareLevel = level + (rnd.nextBoolean() ? 1 : -1) * (2 * amp + 2 + 2 * rnd.nextDouble());
        double rareAmp = 0.5 * amp;
        double rareNoise = 0.5 * noise;
        double phase = 2 * Math.PI * rnd.nextDouble();
        double rarePhase = 2 * Math.PI * rnd.nextDouble();

        // the rare stretches: one wholly inside the probationary rows, two later
        List<Span> rare = new ArrayList<>();
        int s1 = 120 + rnd.nextInt(80);
        rare.add(new Span(s1, s1 + 200 + rnd.nextInt(probation - s1 - 200 - 2 * MARGIN)));
        int s2 = 1000 + rnd.nextInt(400);
        rare.add(new Span(s2, s2 + 280 + rnd.nextInt(100)));
        int s3 = 2500 + rnd.nextInt(500);
        rare.add(new Span(s3, s3 + 280 + rnd.nextInt(100)));

        double[] noiseDraws = new double[ROWS];
        for (int t = 0; t < ROWS; t++) {
            noiseDraws[t] = rnd.nextGaussian();
        }
        // phase offset of the common regime from each row on (a phase jump shifts all later rows)
        double[] shift = new double[ROWS];
        double[] v = new double[ROWS];
        int nAnomalies = 2 + rnd.nextInt(2);
        int width = (int) (0.10 * ROWS / nAnomalies);
        int half = width / 2;
        List<Anomaly> anomalies = new ArrayList<>();

        // 1. common values inside a later rare stretch, the window inside that stretch
        Span host = rare.get(1 + rnd.nextInt(2));
        int len = 4 + rnd.nextInt(3);
        int room = host.end() - host.start() - 2 * MARGIN - width - len;
        int a0 = host.start() + MARGIN + half + (room > 0 ? rnd.nextInt(room) : 0);
        anomalies.add(new Anomaly(Kind.COMMON_IN_RARE, a0, a0 + len - 1));

        // 2., 3. in the common regime: window clear of every switch and of the other windows
        for (int k = 1; k < nAnomalies; k++) {
            Kind kind = rnd.nextBoolean() ? Kind.PHASE_JUMP : Kind.PERIOD_CHANGE;
            int alen = kind == Kind.PHASE_JUMP ? 1 : DAY / 8;
            for (int tries = 0; ; tries++) {
                if (tries > 10_000) {
                    throw new IllegalStateException(key + ": no room for anomaly " + (k + 1));
                }
                int start = probation + MARGIN + half + rnd.nextInt(ROWS - probation - 2 * MARGIN - width - alen);
                if (kind == Kind.PHASE_JUMP) {
                    // near a crest, so the jump spans most of the daily swing
                    double s = Math.sin(2 * Math.PI * start / DAY + phase);
                    if (Math.abs(s) < 0.8) {
                        continue;
                    }
                }
                Anomaly a = new Anomaly(kind, start, start + alen - 1);
                int ws = a.centre() - half;
                int we = ws + width - 1;
                boolean clear = ws >= probation && we < ROWS
                        && rare.stream().noneMatch(r -> r.overlaps(ws - MARGIN, we + MARGIN))
                        && anomalies.stream().noneMatch(o -> o.centre() - half - MARGIN <= we && o.centre() + half + MARGIN >= ws);
                if (clear) {
                    anomalies.add(a);
                    break;
                }
            }
        }
        anomalies.sort(Comparator.comparingInt(Anomaly::start));
        for (Anomaly a : anomalies) {
            if (a.kind() == Kind.PHASE_JUMP) {
                for (int t = a.start(); t < ROWS; t++) {
                    shift[t] += Math.PI;
                }
            }
        }

        for (int t = 0; t < ROWS; t++) {
            v[t] = inRare(rare, t)
                    ? rareLevel + rareAmp * Math.sin(2 * Math.PI * t / RARE_PERIOD + rarePhase) + rareNoise * noiseDraws[t]
                    : level + amp * Math.sin(2 * Math.PI * t / DAY + phase + shift[t]) + noise * noiseDraws[t];
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < probation; t++) {
            min = Math.min(min, v[t]);
            max = Math.max(max, v[t]);
        }
        for (Anomaly a : anomalies) {
            for (int t = a.start(); t <= a.end(); t++) {
                double x = switch (a.kind()) {
                    case COMMON_IN_RARE -> level + amp * Math.sin(2 * Math.PI * t / DAY + phase + shift[t])
                            + noise * noiseDraws[t];
                    // the fast cycle starts where the daily sine is, so only its period is wrong
                    case PERIOD_CHANGE -> level + amp * Math.sin(2 * Math.PI * a.start() / DAY + phase + shift[t]
                            + 2 * Math.PI * (t - a.start()) / (DAY / 8.0)) + noise * noiseDraws[t];
                    case PHASE_JUMP -> v[t];
                };
                // inside the training rows' range: the range rule alone cannot find it
                v[t] = Math.max(min, Math.min(max, x));
            }
        }
        List<NabWindow> windows = anomalies.stream()
                .map(a -> new NabWindow(a.centre() - half, a.centre() - half + width - 1)).toList();
        return new RegimeSeries(key, v, List.copyOf(rare), List.copyOf(anomalies), windows);
    }

    private static boolean inRare(List<Span> rare, int t) {
        return rare.stream().anyMatch(r -> t >= r.start() && t <= r.end());
    }

    /**
     * Writes the corpus in NAB's layout under {@code dir}: {@code data/regimes/*.csv},
     * {@code labels/combined_windows.json} and {@code config/profiles.json} with NAB's three cost
     * matrices, plus {@code labels/anomalies.csv} (each anomaly's kind and rows, for the reader).
     */
    public static void write(Path dir, List<RegimeSeries> corpus) {
        try {
            Files.createDirectories(dir.resolve("data").resolve(CATEGORY));
            Files.createDirectories(dir.resolve("labels"));
            Files.createDirectories(dir.resolve("config"));
            StringBuilder labels = new StringBuilder("{\n");
            StringBuilder kinds = new StringBuilder("series,kind,start_row,end_row,start,end\n");
            for (int i = 0; i < corpus.size(); i++) {
                RegimeSeries s = corpus.get(i);
                StringBuilder csv = new StringBuilder("timestamp,value\n");
                for (int t = 0; t < s.values().length; t++) {
                    csv.append(RegimeSeries.timestamp(t)).append(',').append(String.format("%.4f", s.values()[t]))
                            .append('\n');
                }
                Files.writeString(dir.resolve("data").resolve(s.key()), csv, StandardCharsets.UTF_8);
                List<String> ws = s.windows().stream().map(w -> String.format("[\"%s.000000\", \"%s.000000\"]",
                        RegimeSeries.timestamp(w.start()), RegimeSeries.timestamp(w.end()))).toList();
                labels.append(String.format("  \"%s\": [%s]%s%n", s.key(), String.join(", ", ws),
                        i + 1 < corpus.size() ? "," : ""));
                for (Anomaly a : s.anomalies()) {
                    kinds.append(String.join(",", s.key(), a.kind().name(), "" + a.start(), "" + a.end(),
                            RegimeSeries.timestamp(a.start()), RegimeSeries.timestamp(a.end()))).append('\n');
                }
            }
            labels.append("}\n");
            Files.writeString(dir.resolve("labels/combined_windows.json"), labels, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("labels/anomalies.csv"), kinds, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("config/profiles.json"), PROFILES, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** NAB v1.1's config/profiles.json. */
    static final String PROFILES = """
            {
              "reward_low_FN_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11, "tnWeight": 1.0}},
              "reward_low_FP_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.22, "tnWeight": 1.0}},
              "standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}}
            }
            """;
}
