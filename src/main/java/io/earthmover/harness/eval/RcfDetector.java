package io.earthmover.harness.eval;

import com.amazon.randomcutforest.RandomCutForest;
import java.util.List;

/**
 * Random Cut Forest (aws/random-cut-forest-by-aws, core {@link RandomCutForest}) scoring each row
 * with {@code getAnomalyScore} before {@code update} (streaming), or frozen after training (tabular).
 * The raw score, whose scale is log2(sampleSize), is divided by log2(sampleSize) and clipped to
 * [0,1] — the mapping NAB's own randomCutForest run used (score / 8 for sample size 256).
 */
public final class RcfDetector implements Detector {
    private final RandomCutForest forest;
    private final boolean streaming;
    private final double scale;

    RcfDetector(RandomCutForest forest, boolean streaming, int sampleSize) {
        this.forest = forest;
        this.streaming = streaming;
        this.scale = Math.log(sampleSize) / Math.log(2);
    }

    @Override
    public double[] train(List<double[]> rows) {
        int warmUp = rows.size() / 2;
        double[] calib = new double[streaming ? rows.size() - warmUp : 0];
        for (int i = 0; i < rows.size(); i++) {
            float[] r = toFloat(rows.get(i));
            if (streaming && i >= warmUp) {
                // prequential: scored before it is learned, so out-of-sample
                calib[i - warmUp] = map(forest.getAnomalyScore(r));
            }
            forest.update(r);
        }
        return calib;
    }

    @Override
    public double score(long timestampMillis, double[] row) {
        float[] p = toFloat(row);
        double s = map(forest.getAnomalyScore(p));
        if (streaming) {
            forest.update(p);
        }
        return s;
    }

    /** The forest stores float32 points; the float[] API is the non-deprecated one. */
    private static float[] toFloat(double[] row) {
        float[] f = new float[row.length];
        for (int j = 0; j < row.length; j++) {
            f[j] = (float) row[j];
        }
        return f;
    }

    private double map(double raw) {
        return Math.min(1.0, Math.max(0.0, raw / scale));
    }
}
