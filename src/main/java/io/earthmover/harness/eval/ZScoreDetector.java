package io.earthmover.harness.eval;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Rolling z-score. For each feature j, z_j = (x_j - mean_j) / std_j with mean and (population)
 * standard deviation over the previous {@code window} rows (streaming) or over the training rows
 * (frozen); the row's score is z/(z + {@value #HALF_SCORE_Z}) with z = max_j |z_j|, a strictly
 * increasing map of [0,inf) onto [0,1) that does not saturate, so distinct z stay distinct
 * thresholds for NAB's sweep. Until {@value #MIN_HISTORY} rows have been seen the score is 0.
 */
public final class ZScoreDetector implements Detector {
    /** z at which the score is 0.5. */
    public static final double HALF_SCORE_Z = 3.0;
    public static final int MIN_HISTORY = 10;
    /** Relative floor on the standard deviation, so flat windows give large but finite z. */
    private static final double STD_FLOOR = 1e-6;

    private final int window;
    private final boolean streaming;
    private final Deque<double[]> history = new ArrayDeque<>();
    private double[] frozenMean;
    private double[] frozenStd;

    public ZScoreDetector(int window, boolean streaming) {
        if (window < MIN_HISTORY) {
            throw new IllegalArgumentException("window must be >= " + MIN_HISTORY);
        }
        this.window = window;
        this.streaming = streaming;
    }

    @Override
    public double[] train(List<double[]> rows) {
        if (!streaming) {
            double[][] ms = meanStd(rows);
            frozenMean = ms[0];
            frozenStd = ms[1];
            return new double[0];
        }
        // prequential: score each training row before learning it; the first half is warm-up
        int warmUp = rows.size() / 2;
        double[] calib = new double[rows.size() - warmUp];
        for (int i = 0; i < rows.size(); i++) {
            double s = score(i, rows.get(i));
            if (i >= warmUp) {
                calib[i - warmUp] = s;
            }
        }
        return calib;
    }

    @Override
    public double score(long timestampMillis, double[] row) {
        double s;
        if (streaming) {
            if (history.size() < MIN_HISTORY) {
                s = 0.0;
            } else {
                double[][] ms = meanStd(history);
                s = toScore(maxAbsZ(row, ms[0], ms[1]));
            }
            history.addLast(row.clone());
            if (history.size() > window) {
                history.removeFirst();
            }
        } else {
            if (frozenMean == null) {
                throw new IllegalStateException("train() first");
            }
            s = toScore(maxAbsZ(row, frozenMean, frozenStd));
        }
        return s;
    }

    static double toScore(double z) {
        return z / (z + HALF_SCORE_Z);
    }

    private static double maxAbsZ(double[] row, double[] mean, double[] std) {
        double max = 0.0;
        for (int j = 0; j < row.length; j++) {
            double sd = Math.max(std[j], STD_FLOOR * Math.max(1.0, Math.abs(mean[j])));
            max = Math.max(max, Math.abs(row[j] - mean[j]) / sd);
        }
        return max;
    }

    private static double[][] meanStd(Iterable<double[]> rows) {
        double[] mean = null;
        int n = 0;
        for (double[] r : rows) {
            if (mean == null) {
                mean = new double[r.length];
            }
            for (int j = 0; j < r.length; j++) {
                mean[j] += r[j];
            }
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException("no rows");
        }
        double[] var = new double[mean.length];
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= n;
        }
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                double d = r[j] - mean[j];
                var[j] += d * d;
            }
        }
        double[] std = new double[mean.length];
        for (int j = 0; j < mean.length; j++) {
            std[j] = Math.sqrt(var[j] / n);
        }
        return new double[][] {mean, std};
    }
}
