package io.earthmover.harness.eval;

import java.util.Arrays;

/** Empirical quantiles. */
public final class Quantiles {
    private Quantiles() {
    }

    /** The q-quantile with linear interpolation between order statistics (numpy's default). */
    public static double of(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException("q must be in [0,1], got " + q);
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return io.earthmover.features.Normaliser.quantileSorted(s, q);
    }
}
