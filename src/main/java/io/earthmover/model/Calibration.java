package io.earthmover.model;

import java.util.Arrays;

/**
 * Maps a critic value to an anomaly score: the fraction of holdout critic values above it, i.e.
 * {@code 1 - F(D)} for the empirical CDF F of the holdout critic values. F is interpolated
 * linearly between knots at mid-ranks {@code (i + 0.5) / n} and has exponential tails beyond
 * the smallest and largest knots (slope-matched), so scores are continuous, strictly decreasing
 * in D and stay inside (0, 1). Immutable and thread-safe.
 */
public final class Calibration {
    /** Holdouts larger than this are summarised by this many quantile knots. */
    public static final int MAX_KNOTS = 2048;
    /** Smallest tail scale, for a degenerate holdout whose critic values are all equal. */
    static final double MIN_TAIL_SCALE = 1e-6;

    private final double[] values;
    private final double[] cdf;
    private final double lowerScale;
    private final double upperScale;

    private Calibration(double[] values, double[] cdf) {
        this.values = values;
        this.cdf = cdf;
        int k = values.length;
        int span = Math.max(1, Math.min(k - 1, k / 100));
        this.lowerScale = k < 2 ? MIN_TAIL_SCALE
                : Math.max(MIN_TAIL_SCALE, cdf[0] * (values[span] - values[0]) / (cdf[span] - cdf[0]));
        this.upperScale = k < 2 ? MIN_TAIL_SCALE
                : Math.max(MIN_TAIL_SCALE, (1 - cdf[k - 1]) * (values[k - 1] - values[k - 1 - span])
                        / (cdf[k - 1] - cdf[k - 1 - span]));
    }

    /** Fits on the holdout's critic values (any order). */
    public static Calibration fit(double[] holdoutCritic) {
        if (holdoutCritic.length == 0) {
            throw new IllegalArgumentException("calibration needs at least one holdout value");
        }
        double[] s = holdoutCritic.clone();
        Arrays.sort(s);
        int n = s.length;
        int k = Math.min(n, MAX_KNOTS);
        double[] v = new double[k];
        double[] p = new double[k];
        for (int j = 0; j < k; j++) {
            int idx = k == n ? j : (int) Math.round((double) j * (n - 1) / (k - 1));
            v[j] = s[idx];
            p[j] = (idx + 0.5) / n;
        }
        return new Calibration(v, p);
    }

    /** Rebuilds from a manifest's table; checks it is finite, sorted and inside (0, 1). */
    public static Calibration of(double[] values, double[] cdf) {
        if (values == null || cdf == null || values.length == 0 || values.length != cdf.length) {
            throw new IllegalArgumentException("calibration values and cdf must be non-empty and of equal length");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i]) || !(cdf[i] > 0 && cdf[i] < 1)) {
                throw new IllegalArgumentException("calibration knot " + i + " is not finite or its cdf not in (0,1)");
            }
            if (i > 0 && (values[i] < values[i - 1] || cdf[i] <= cdf[i - 1])) {
                throw new IllegalArgumentException("calibration knots must be sorted (knot " + i + ")");
            }
        }
        return new Calibration(values.clone(), cdf.clone());
    }

    public double[] values() {
        return values.clone();
    }

    public double[] cdf() {
        return cdf.clone();
    }

    /** Anomaly score in (0, 1) of a critic value: higher = more anomalous. */
    public double score(double critic) {
        int k = values.length;
        if (critic < values[0]) {
            return 1 - cdf[0] * Math.exp((critic - values[0]) / lowerScale);
        }
        if (critic >= values[k - 1]) {
            return (1 - cdf[k - 1]) * Math.exp(-(critic - values[k - 1]) / upperScale);
        }
        // largest j with values[j] <= critic; then values[j+1] > critic, so the segment has width
        int lo = 0;
        int hi = k - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] <= critic) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double t = (critic - values[lo]) / (values[hi] - values[lo]);
        return 1 - (cdf[lo] + t * (cdf[hi] - cdf[lo]));
    }

    /** The critic value at holdout quantile {@code q} of the knots (linear interpolation of the CDF). */
    public double criticAt(double q) {
        int k = values.length;
        if (q <= cdf[0]) {
            return values[0];
        }
        if (q >= cdf[k - 1]) {
            return values[k - 1];
        }
        int j = 0;
        while (cdf[j + 1] < q) {
            j++;
        }
        double t = (q - cdf[j]) / (cdf[j + 1] - cdf[j]);
        return values[j] + t * (values[j + 1] - values[j]);
    }
}
