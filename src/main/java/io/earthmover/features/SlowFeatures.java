package io.earthmover.features;

import java.util.List;

/**
 * {@code features.level=auto}'s rule: which features enter the critic by their changes alone, their
 * level left out. A feature whose consecutive training readings are strongly correlated (lag-1
 * autocorrelation at least {@value #MIN_AUTOCORRELATION}) moves slowly against the sampling rate:
 * the training rows see only a stretch of the levels it wanders through in normal operation (a rig's
 * temperature drifting for hours), so a later level outside that stretch is not evidence of an
 * anomaly, while its changes from one reading to the next stay comparable. Fast features (noise
 * around a level) keep their level. The bound: at 0.9 the readings a step apart share 81 % of their
 * variance, so the level is mostly the slow movement and not the reading's own noise.
 *
 * <p>Derived features (the time of day) always keep their level: they are the clock, not a drift.
 * A constant feature keeps it too (no autocorrelation to measure; the normaliser's floor handles it).
 */
public final class SlowFeatures {
    /** A feature at or above this lag-1 autocorrelation over its training series is slow. */
    public static final double MIN_AUTOCORRELATION = 0.9;

    private SlowFeatures() {
    }

    /**
     * Per feature of the schema, whether it is slow by the rule, from the raw training series (each
     * oldest first, a key's records in order).
     */
    public static boolean[] of(List<double[][]> series, FeatureSchema schema) {
        boolean[] out = new boolean[schema.size()];
        for (int f = 0; f < schema.recordSize(); f++) {
            out[f] = autocorrelation(series, f) >= MIN_AUTOCORRELATION;
        }
        return out;
    }

    /**
     * Lag-1 autocorrelation of feature {@code f}, pooled over the series: each series centred on its
     * own mean (a key's level is not a correlation), then the sum of products of consecutive
     * deviations over the sum of squared deviations. NaN when the feature never varies.
     */
    static double autocorrelation(List<double[][]> series, int f) {
        double products = 0;
        double squares = 0;
        for (double[][] s : series) {
            if (s.length < 2) {
                continue;
            }
            double mean = 0;
            for (double[] row : s) {
                mean += row[f];
            }
            mean /= s.length;
            double prev = s[0][f] - mean;
            squares += prev * prev;
            for (int t = 1; t < s.length; t++) {
                double d = s[t][f] - mean;
                products += d * prev;
                squares += d * d;
                prev = d;
            }
        }
        return squares > 0 ? products / squares : Double.NaN;
    }
}
