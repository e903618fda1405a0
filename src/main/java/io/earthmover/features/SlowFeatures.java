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
 * A feature may trend over the training rows: it is then slow by the rule, which is the point.
 */
public final class SlowFeatures {
    /** A feature at or above this lag-1 autocorrelation over its training series is slow. */
    public static final double MIN_AUTOCORRELATION = 0.9;

    private SlowFeatures() {
    }

    /**
     * Per feature of the schema, whether it is slow by the rule, from the raw training data: series
     * of consecutive records, whole or cut into windows (the trainer's sample is short windows, each
     * a key's records in order, in no order among themselves).
     */
    public static boolean[] of(List<double[][]> series, FeatureSchema schema) {
        boolean[] out = new boolean[schema.size()];
        for (int f = 0; f < schema.recordSize(); f++) {
            out[f] = autocorrelation(series, f) >= MIN_AUTOCORRELATION;
        }
        return out;
    }

    /**
     * Lag-1 autocorrelation of feature {@code f} as {@code 1 - E[(x_t - x_{t-1})^2] / (2 Var x)}: the
     * mean squared step between consecutive records of a series over twice the variance of all rows
     * (for a stationary series the same as the correlation of consecutive readings). It needs only
     * pairs of neighbours, so short windows estimate it as well as whole series; the variance is the
     * spread the model sees, so keys at levels far apart make a feature slow (its level names the key,
     * and a new key's level is not one the model saw). NaN when the feature never varies.
     */
    static double autocorrelation(List<double[][]> series, int f) {
        // sums of x - shift, shift a value of the feature: a level of 1e6 with a spread of 0.01 would
        // otherwise lose the variance to cancellation in sumSq / rows - mean^2
        double shift = Double.NaN;
        double sum = 0;
        double sumSq = 0;
        long rows = 0;
        double steps = 0;
        long pairs = 0;
        for (double[][] s : series) {
            for (int t = 0; t < s.length; t++) {
                if (Double.isNaN(shift)) {
                    shift = s[t][f];
                }
                double x = s[t][f] - shift;
                sum += x;
                sumSq += x * x;
                rows++;
                if (t > 0) {
                    double d = s[t][f] - s[t - 1][f];
                    steps += d * d;
                    pairs++;
                }
            }
        }
        if (pairs == 0) {
            return Double.NaN;
        }
        double mean = sum / rows;
        double variance = Math.max(0, sumSq / rows - mean * mean);
        double level = mean + shift;
        // a constant feature: nothing to correlate (float noise below 1e-12 of its level counts as constant)
        if (variance <= 1e-24 * Math.max(1, level * level)) {
            return Double.NaN;
        }
        return 1 - steps / pairs / (2 * variance);
    }
}
