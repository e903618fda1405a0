package io.earthmover.harness.eval;

import java.util.List;

/** Per-feature (x - mean) / std fitted on training rows, like scikit-learn's StandardScaler. */
public final class StandardScaler {
    private final double[] mean;
    private final double[] std;

    private StandardScaler(double[] mean, double[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Population std as scikit-learn; a constant feature gets std 1 (scikit-learn does the same).
     * Constant means scikit-learn's {@code _is_constant_feature}: a variance within float rounding
     * of zero. The mean of n equal values is not always exactly that value, so their computed std
     * is ~1e-15, not 0; dividing by it would put every other value 1e15 standard deviations out
     * (and the service dead-letters such a record as too far outside the model's range).
     */
    public static StandardScaler fit(List<double[]> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to fit");
        }
        int d = rows.get(0).length;
        double[] mean = new double[d];
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= rows.size();
        }
        double[] std = new double[d];
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                double x = r[j] - mean[j];
                std[j] += x * x;
            }
        }
        int n = rows.size();
        double eps = Math.ulp(1.0);
        for (int j = 0; j < d; j++) {
            double var = std[j] / n;
            double bound = n * eps * var + Math.pow(n * mean[j] * eps, 2);
            std[j] = var <= bound ? 1.0 : Math.sqrt(var);
        }
        return new StandardScaler(mean, std);
    }

    public double[] transform(double[] row) {
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - mean[j]) / std[j];
        }
        return out;
    }
}
