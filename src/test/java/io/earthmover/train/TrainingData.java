package io.earthmover.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded synthetic data sets for training tests. */
final class TrainingData {
    private TrainingData() {
    }

    /** 2-D mixture of two Gaussian blobs. */
    static double[][] mixture2d(int n, Random r) {
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            boolean a = r.nextBoolean();
            v[i] = new double[] {(a ? -2 : 2) + 0.5 * r.nextGaussian(), (a ? 1 : -1) + 0.5 * r.nextGaussian()};
        }
        return v;
    }

    /** Clear outliers of the 2-D mixture: far from both blobs. */
    static double[][] mixture2dOutliers(int n, Random r) {
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            double angle = r.nextDouble() * 2 * Math.PI;
            double radius = 7 + 2 * r.nextDouble();
            v[i] = new double[] {radius * Math.cos(angle), radius * Math.sin(angle)};
        }
        return v;
    }

    /** 8-D Gaussian with strong correlations: x = A z, A lower-triangular with ones. */
    static double[][] correlated8d(int n, Random r) {
        double[][] v = new double[n][8];
        for (int i = 0; i < n; i++) {
            double[] z = new double[8];
            for (int j = 0; j < 8; j++) {
                z[j] = r.nextGaussian();
            }
            for (int j = 0; j < 8; j++) {
                double s = z[0] * 3; // one common factor dominates
                s += 0.5 * z[j];
                v[i][j] = s + j;
            }
        }
        return v;
    }

    /** Points that break the correlation: each feature drawn independently with the same marginal spread. */
    static double[][] correlated8dOutliers(int n, Random r) {
        double[][] v = new double[n][8];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 8; j++) {
                v[i][j] = 3.04 * r.nextGaussian() + j;
            }
            // make sure the point is clearly off the common-factor line
            v[i][0] += 6;
            v[i][7] -= 6;
        }
        return v;
    }

    static List<double[][]> oneSeries(double[][] rows) {
        List<double[][]> l = new ArrayList<>();
        l.add(rows);
        return l;
    }

    /** ROC-AUC of "normal ranked above outlier" by critic value (ties count half). */
    static double auc(double[] normal, double[] outliers) {
        double wins = 0;
        for (double a : normal) {
            for (double b : outliers) {
                wins += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        return wins / ((double) normal.length * outliers.length);
    }
}
