package io.earthmover.train;

import io.earthmover.features.Normaliser;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A floor under the spread of the holdout critic values the calibration is fitted on, tied to
 * the data's own scale. When the critic is almost flat over the normal data (a slow ramp, a
 * constant), its holdout values span next to nothing, and the empirical CDF would call every
 * record whose critic is a hair lower an anomaly with score 1. The floor is the critic's own
 * response to moving normal rows by {@link QualityGate#SMALL_SHIFT_SCALE_UNITS} of their scale
 * (the median |D(x + delta) - D(x)|, delta = +-0.1 in each normalised input): if the holdout's
 * standard deviation is below it, the sorted holdout values are spread by {@code floor * z_i}
 * (z_i the normal quantile of rank i), so such a small departure moves the score by about one
 * standard deviation of the calibration instead of to 1. Rank order and hence the ranking are
 * unchanged; a holdout that already spreads wider is left exactly as it is.
 */
final class CalibrationFloor {
    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    private CalibrationFloor() {
    }

    /** The served value of rows (the critic's, or its combination with the reconstruction error). */
    interface Values {
        double[] of(float[][] rows);
    }

    /** The median absolute change of the critic when each holdout row is moved by +-shift in every input. */
    static double criticResponse(Mlp critic, float[][] holdout, int d, double shift, Random rng) {
        return response(rows -> Nd4jBatches.criticValues(critic, rows, d), holdout, d, shift, rng);
    }

    /** The median absolute change of the served value when each holdout row is moved by +-shift in every input. */
    static double response(Values values, float[][] holdout, int d, double shift, Random rng) {
        float[][] moved = new float[holdout.length][];
        for (int i = 0; i < holdout.length; i++) {
            moved[i] = holdout[i].clone();
            for (int j = 0; j < d; j++) {
                moved[i][j] += (float) (rng.nextBoolean() ? shift : -shift);
            }
        }
        double[] a = values.of(holdout);
        double[] b = values.of(moved);
        double[] change = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            change[i] = Math.abs(b[i] - a[i]);
        }
        Arrays.sort(change);
        return Normaliser.quantileSorted(change, 0.5);
    }

    /** The holdout values to calibrate on: as they are, or spread to at least {@code floor} (sorted). */
    static double[] apply(double[] holdoutCritic, double floor) {
        double std = Normaliser.std(holdoutCritic, Normaliser.mean(holdoutCritic));
        if (!(floor > 0) || std >= floor) {
            return holdoutCritic;
        }
        double[] s = holdoutCritic.clone();
        Arrays.sort(s);
        int n = s.length;
        for (int i = 0; i < n; i++) {
            s[i] += floor * STANDARD_NORMAL.inverseCumulativeProbability((i + 0.5) / n);
        }
        return s;
    }
}
