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

    /** Population std as scikit-learn; a constant feature gets std 1 (scikit-learn does the same). */
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
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j] / rows.size());
            if (std[j] == 0.0) {
                std[j] = 1.0;
            }
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
