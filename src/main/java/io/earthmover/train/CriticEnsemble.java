package io.earthmover.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code train.ensemble.size = k}: k critics trained on the same data with seeds
 * {@code seed, seed + 1, ...}, each standardised on the holdout ({@code (D_i - mean_i) / std_i},
 * so members on different scales weigh the same) and averaged. The average is itself an MLP:
 * the members side by side (first layer's columns concatenated, deeper layers block-diagonal,
 * output weights divided by {@code k std_i}), so the bundle format, the scorer, calibration and
 * attribution (the exact input gradient of the average) are those of a single critic. The price is
 * the dense block-diagonal layers: a hidden-to-hidden layer costs k^2 times one member's, the
 * first and last layers k times (see docs/engine.md for the measured cost). The manifest's
 * metrics (Wasserstein estimate, holdout critic mean and spread) are those of the average, in
 * its standardised units; training takes k times as long.
 */
final class CriticEnsemble {
    private CriticEnsemble() {
    }

    /**
     * Trains members 2..k after {@code first} (member 1, trained by the caller with the shared
     * random stream, so k = 1 is exactly the single-critic training) and returns {@code first} with
     * the averaged critic in place of its own; history and generator stay member 1's.
     */
    static TrainingLoop.Result train(TrainingLoop.Result first, TrainingSettings s, DoubleUnaryOperator estimateProbe,
            float[][] train, float[][] holdout, int d) throws TrainingException {
        int k = s.ensembleSize();
        if (k == 1) {
            return first;
        }
        List<Mlp> members = new ArrayList<>();
        members.add(first.critic());
        for (int i = 1; i < k; i++) {
            members.add(new TrainingLoop(s, new Random(s.seed() + i), estimateProbe).run(train, d, TrainingListener.none()).critic());
        }
        double[] mean = new double[k];
        double[] std = new double[k];
        for (int i = 0; i < k; i++) {
            double[] v = Nd4jBatches.criticValues(members.get(i), holdout, d);
            double sum = 0;
            for (double x : v) {
                sum += x;
            }
            mean[i] = sum / v.length;
            double sq = 0;
            for (double x : v) {
                sq += (x - mean[i]) * (x - mean[i]);
            }
            // a member that gives every holdout row the same value contributes on its own raw scale
            std[i] = Math.max(Math.sqrt(sq / v.length), 1e-9);
        }
        return new TrainingLoop.Result(average(members, mean, std), first.generator(), first.encoder(), first.history(),
                first.earlyStopped());
    }

    /** One MLP computing {@code (1/k) sum_i (D_i(x) - mean_i) / std_i} for members of equal shape without layer norm. */
    static Mlp average(List<Mlp> members, double[] mean, double[] std) {
        int k = members.size();
        Mlp m0 = members.get(0);
        int[] one = m0.sizes();
        int layers = m0.layers();
        if (layers < 2 || members.stream().anyMatch(Mlp::layerNorm)) {
            throw new IllegalArgumentException("an ensemble needs critics with a hidden layer and without layer norm");
        }
        int[] sizes = one.clone();
        for (int l = 1; l < sizes.length - 1; l++) {
            sizes[l] = k * one[l];
        }
        float[][] w = new float[layers][];
        float[][] b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            w[l] = new float[in * out];
            b[l] = new float[out];
            int mIn = one[l];
            int mOut = one[l + 1];
            for (int i = 0; i < k; i++) {
                float[] mw = members.get(i).weightsAsFloats(l);
                float[] mb = members.get(i).biasAsFloats(l);
                // member i's block: rows from i*mIn (all rows for the input layer), columns from i*mOut (one column for the output)
                int r0 = l == 0 ? 0 : i * mIn;
                int c0 = l == layers - 1 ? 0 : i * mOut;
                double scale = l == layers - 1 ? 1.0 / (k * std[i]) : 1.0;
                for (int r = 0; r < mIn; r++) {
                    for (int c = 0; c < mOut; c++) {
                        w[l][(r0 + r) * out + c0 + c] = (float) (mw[r * mOut + c] * scale);
                    }
                }
                if (l == layers - 1) {
                    b[l][0] += (float) ((mb[0] - mean[i]) * scale);
                } else {
                    System.arraycopy(mb, 0, b[l], c0, mOut);
                }
            }
        }
        return MlpInit.of(sizes, m0.slope(), w, b, DataType.FLOAT);
    }
}
