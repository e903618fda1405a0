package io.earthmover.train;

import java.util.Arrays;

/**
 * ROC-AUC as the Mann-Whitney statistic, the one implementation the quality gate and the
 * evaluation harness share: the probability that a value of the {@code higher} group exceeds one of
 * the {@code lower} group, ties counting one half (scikit-learn's roc_auc_score).
 */
public final class RocAuc {
    private RocAuc() {
    }

    public static double of(double[] higher, double[] lower) {
        if (higher.length == 0 || lower.length == 0) {
            throw new IllegalArgumentException("ROC-AUC needs both classes");
        }
        double[] a = lower.clone();
        Arrays.sort(a);
        double sum = 0;
        for (double v : higher) {
            int below = bound(a, v, false);
            int notAbove = bound(a, v, true);
            sum += below + 0.5 * (notAbove - below);
        }
        return sum / ((double) higher.length * a.length);
    }

    /** Index of the first element {@code >= v} ({@code inclusive} false) or {@code > v} (true). */
    private static int bound(double[] a, double v, boolean inclusive) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int m = (lo + hi) >>> 1;
            if (a[m] < v || (inclusive && a[m] == v)) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return lo;
    }
}
