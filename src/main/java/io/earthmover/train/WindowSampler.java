package io.earthmover.train;

import io.earthmover.features.FeatureSchema;
import io.earthmover.features.KeyStandardiser;
import io.earthmover.features.VectorResult;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParseResult;
import io.earthmover.record.ParsedRecord;
import io.earthmover.record.RecordDecoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Turns a stream of raw records into a bounded, uniform sample of training windows. Records go
 * through the scorer's parser and the model's feature schema, so training never sees what the
 * scorer would refuse; refusals are counted by code. Each key keeps its last {@code history}
 * vectors (in arrival order, which is event order within a partition); every complete window is
 * offered to a reservoir (Vitter's algorithm R) of at most {@code maxRows} windows, so memory is
 * bounded by maxRows × history × features whatever the topic's size.
 */
public final class WindowSampler {
    /** Keys whose newest records are kept in order for the alarm seed. */
    static final int ORDERED_KEYS = 16;
    /** Records kept in order per such key. */
    static final int ORDERED_ROWS = 2048;
    private final RecordDecoder parser;
    private final int history;
    private final int maxRows;
    private final Random random;
    private final Map<String, ArrayDeque<double[]>> perKey = new HashMap<>();
    private final List<double[][]> reservoir = new ArrayList<>();
    private final Map<ErrorCode, Long> rejected = new EnumMap<>(ErrorCode.class);
    private final boolean keyStandardise;
    private final Map<String, KeyStandardiser> standardisers = new HashMap<>();
    private final Map<String, ArrayDeque<double[]>> ordered = new java.util.LinkedHashMap<>();
    private double[] min;
    private double[] max;
    private final Map<String, double[]> lastRaw = new HashMap<>();
    private final Map<String, int[]> runs = new HashMap<>();
    private int[] longestRun;
    private FeatureSchema schema;
    private final boolean timeOfDay;
    private boolean timeOfDayDropped;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;
    private long accepted;
    private final TrainingFeedback feedback;
    private long windows;

    public WindowSampler(RecordDecoder parser, FeatureSchema schemaOrNull, int history, int maxRows, long seed) {
        this(parser, schemaOrNull, history, maxRows, seed, false);
    }

    /**
     * @param keyStandardise standardise each key's records by its own running statistics
     *                       ({@link KeyStandardiser}, as the scorer will), skipping each key's warm-up records
     */
    public WindowSampler(RecordDecoder parser, FeatureSchema schemaOrNull, int history, int maxRows, long seed,
            boolean keyStandardise) {
        this(parser, schemaOrNull, history, maxRows, seed, keyStandardise, TrainingFeedback.none());
    }

    /** @param feedback operators' labels: a record marked anomalous is left out as if it had not been read */
    public WindowSampler(RecordDecoder parser, FeatureSchema schemaOrNull, int history, int maxRows, long seed,
            boolean keyStandardise, TrainingFeedback feedback) {
        this(parser, schemaOrNull, history, maxRows, seed, keyStandardise, feedback, false);
    }

    /** @param timeOfDay whether a schema inferred from the first record adds the time-of-day features */
    public WindowSampler(RecordDecoder parser, FeatureSchema schemaOrNull, int history, int maxRows, long seed,
            boolean keyStandardise, TrainingFeedback feedback, boolean timeOfDay) {
        this.timeOfDay = timeOfDay;
        this.feedback = java.util.Objects.requireNonNull(feedback, "feedback");
        this.keyStandardise = keyStandardise;
        this.parser = parser;
        this.schema = schemaOrNull;
        this.history = history;
        this.maxRows = maxRows;
        this.random = new Random(seed);
    }

    /** Offers one record; returns the error code when it is refused, else null. */
    public ErrorCode offer(String key, byte[] value, long kafkaTs) {
        ParseResult pr = parser.decode(value, null, kafkaTs);
        if (pr instanceof ParseResult.Rejected r) {
            return reject(r.code());
        }
        ParsedRecord p = ((ParseResult.Accepted) pr).record();
        if (schema == null) {
            schema = FeatureSchema.inferFrom(p).withTimeOfDay(timeOfDay);
        }
        VectorResult vr = schema.vectorise(p);
        if (vr instanceof VectorResult.Bad b) {
            return reject(b.code());
        }
        if (!feedback.keep(key, p.id())) {
            return null;
        }
        accepted++;
        minTs = Math.min(minTs, p.ts());
        maxTs = Math.max(maxTs, p.ts());
        double[] raw = ((VectorResult.Ok) vr).values();
        String k = key == null ? "" : key;
        int own = schema.recordSize(); // the rules watch the record's own features, not derived ones
        trackRuns(k, raw, own);
        double[] values = raw;
        if (keyStandardise) {
            KeyStandardiser st = standardisers.computeIfAbsent(k, x -> new KeyStandardiser(raw.length));
            boolean ready = st.ready();
            values = new double[raw.length];
            st.standardise(raw, values);
            if (!ready) {
                return null;
            }
        }
        trackRange(values, own);
        trackOrder(k, values);
        ArrayDeque<double[]> h = perKey.computeIfAbsent(k, x -> new ArrayDeque<>(history));
        if (h.size() == history) {
            h.removeFirst();
        }
        h.addLast(values);
        if (h.size() == history) {
            sample(h.toArray(new double[0][]));
        }
        return null;
    }

    /** Per-feature range of the model inputs (raw, or standardised per key), which the alarm layer's range rule watches. */
    private void trackRange(double[] v, int n) {
        if (min == null) {
            min = java.util.Arrays.copyOf(v, n);
            max = java.util.Arrays.copyOf(v, n);
        }
        for (int j = 0; j < n; j++) {
            min[j] = Math.min(min[j], v[j]);
            max[j] = Math.max(max[j], v[j]);
        }
    }

    /** The newest model inputs of the first few keys, in order. */
    private void trackOrder(String key, double[] v) {
        ArrayDeque<double[]> q = ordered.get(key);
        if (q == null && ordered.size() < ORDERED_KEYS) {
            q = new ArrayDeque<>();
            ordered.put(key, q);
        }
        if (q != null) {
            if (q.size() == ORDERED_ROWS) {
                q.removeFirst();
            }
            q.addLast(v);
        }
    }

    /** The longest run of one exact value repeated in a key's records, per feature (the frozen-value rule's reference). */
    private void trackRuns(String key, double[] v, int n) {
        double[] last = lastRaw.get(key);
        int[] r = runs.computeIfAbsent(key, x -> new int[n]);
        if (longestRun == null) {
            longestRun = new int[n];
        }
        for (int j = 0; j < n; j++) {
            r[j] = last != null && last[j] == v[j] ? r[j] + 1 : 1;
            longestRun[j] = Math.max(longestRun[j], r[j]);
        }
        lastRaw.put(key, java.util.Arrays.copyOf(v, n));
    }

    /** Per feature, the longest run of one repeated value in any key's accepted records (null before the first). */
    public int[] longestRun() {
        return longestRun == null ? null : longestRun.clone();
    }

    /** Smallest value of each feature over all accepted records (null before the first). */
    public double[] featureMin() {
        return min == null ? null : min.clone();
    }

    public double[] featureMax() {
        return max == null ? null : max.clone();
    }

    /**
     * The newest records (at most {@value #ORDERED_ROWS}) of the first {@value #ORDERED_KEYS} keys, each
     * in arrival order: the time-ordered sample the alarm seed is fitted on (the reservoir is not ordered).
     */
    public List<double[][]> orderedSeries() {
        List<double[][]> out = new ArrayList<>();
        ordered.values().forEach(q -> out.add(ownFeatures(q.toArray(new double[0][]))));
        return out;
    }

    /** Milliseconds between the earliest and the latest accepted record's time (0 before two records). */
    public long spanMillis() {
        return accepted == 0 ? 0 : maxTs - minTs;
    }

    /**
     * Leaves the time-of-day features out of what the sampler hands on (schema, windows, ordered
     * series): training data spanning less than a day cannot show the model every hour.
     */
    public void dropTimeOfDay() {
        timeOfDayDropped = schema != null && schema.timeOfDay();
    }

    /** The window's records without the derived time-of-day features where they were dropped. */
    private double[][] ownFeatures(double[][] window) {
        if (!timeOfDayDropped) {
            return window;
        }
        double[][] out = new double[window.length][];
        for (int i = 0; i < window.length; i++) {
            out[i] = java.util.Arrays.copyOf(window[i], schema.recordSize());
        }
        return out;
    }

    private void sample(double[][] window) {
        windows++;
        if (reservoir.size() < maxRows) {
            reservoir.add(window);
        } else {
            long j = (long) (random.nextDouble() * windows);
            if (j < maxRows) {
                reservoir.set((int) j, window);
            }
        }
    }

    private ErrorCode reject(ErrorCode c) {
        rejected.merge(c, 1L, Long::sum);
        return c;
    }

    public FeatureSchema schema() {
        return schema == null || !timeOfDayDropped ? schema : schema.withTimeOfDay(false);
    }

    public long accepted() {
        return accepted;
    }

    public long windowsSeen() {
        return windows;
    }

    public Map<ErrorCode, Long> rejected() {
        return Collections.unmodifiableMap(rejected);
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The sampled windows, shuffled with the sampler's seed. */
    public List<double[][]> windows() {
        List<double[][]> out = new ArrayList<>(reservoir.size());
        reservoir.forEach(w -> out.add(ownFeatures(w)));
        Collections.shuffle(out, random);
        return out;
    }
}
