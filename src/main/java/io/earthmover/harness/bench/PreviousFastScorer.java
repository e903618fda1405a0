package io.earthmover.harness.bench;

import io.earthmover.model.Calibration;
import io.earthmover.train.Mlp;
import io.earthmover.train.MlpInit;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code model.FastScorer} as it was at 6954b87 (before issue 14), kept as {@code bench score}'s
 * baseline so every new figure is printed next to the old one from the same run: forward pass,
 * stored LeakyReLU derivatives and the input gradient on every record. Not used by the product.
 */
final class PreviousFastScorer {
    private static final int ONE_BITS = Float.floatToRawIntBits(1f);
    private final int[] sizes;
    private final float[][] w;
    private final float[][][] rows;
    private final float[][][] rowsT;
    private final float[][] b;
    private final Calibration calibration;
    private final double threshold;
    private final float[] baseline;
    private final int topK;
    private final float[][] z;
    private final float[][] h;
    private final float[][] derivative;
    private final float[] gradA;
    private final float[] gradB;
    private final float[] gradIn;
    private final int slopeBits;

    PreviousFastScorer(ModelBundle bundle, int topK) {
        Mlp critic = MlpInit.critic(bundle, DataType.FLOAT);
        sizes = critic.sizes();
        int layers = critic.layers();
        w = new float[layers][];
        b = new float[layers][];
        rows = new float[layers][][];
        rowsT = new float[layers][][];
        z = new float[layers][];
        h = new float[layers][];
        derivative = new float[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            w[l] = critic.weightsAsFloats(l);
            b[l] = critic.biasAsFloats(l);
            rows[l] = new float[sizes[l]][sizes[l + 1]];
            rowsT[l] = new float[sizes[l + 1]][sizes[l]];
            for (int i = 0; i < sizes[l]; i++) {
                for (int j = 0; j < sizes[l + 1]; j++) {
                    rows[l][i][j] = w[l][i * sizes[l + 1] + j];
                    rowsT[l][j][i] = w[l][i * sizes[l + 1] + j];
                }
            }
            z[l] = new float[sizes[l + 1]];
            derivative[l] = new float[sizes[l + 1]];
            h[l] = new float[sizes[l]];
            widest = Math.max(widest, sizes[l]);
        }
        double[] base = bundle.manifest().calibration().attributionBaseline();
        baseline = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            baseline[i] = (float) base[i];
        }
        calibration = bundle.calibration();
        threshold = bundle.threshold();
        this.topK = Math.min(topK, sizes[0]);
        gradA = new float[widest];
        gradB = new float[widest];
        gradIn = new float[sizes[0]];
        slopeBits = Float.floatToRawIntBits((float) critic.slope());
    }

    void score(float[] input, ScoreResult out) {
        double d = forward(input);
        out.critic = d;
        out.score = calibration.score(d);
        out.anomaly = out.score >= threshold;
        int k = Math.min(topK, out.capacity());
        if (k == 0) {
            out.topCount = 0;
            return;
        }
        inputGradient();
        rankContributions(input, out, k);
    }

    private double forward(float[] x) {
        int layers = w.length;
        float[] in = x;
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            float[] out = z[l];
            if (nOut == 1) {
                out[0] = b[l][0] + dot(in, w[l], nIn);
            } else {
                System.arraycopy(b[l], 0, out, 0, nOut);
                axpyRows(in, nIn, rows[l], nOut, out);
            }
            if (l < layers - 1) {
                float[] act = h[l + 1];
                float[] m = derivative[l];
                leakyDerivative(out, m, nOut);
                for (int j = 0; j < nOut; j++) {
                    act[j] = out[j] * m[j];
                }
                in = act;
            }
        }
        return z[layers - 1][0];
    }

    private void leakyDerivative(float[] zs, float[] m, int n) {
        int one = ONE_BITS;
        int slope = slopeBits;
        for (int j = 0; j < n; j++) {
            int bits = Float.floatToRawIntBits(zs[j]);
            int notPositive = ((bits - 1) | bits) >> 31;
            m[j] = Float.intBitsToFloat((~notPositive & one) | (notPositive & slope));
        }
    }

    private static float dot(float[] a, float[] b, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 = Math.fma(a[i], b[i], s0);
            s1 = Math.fma(a[i + 1], b[i + 1], s1);
            s2 = Math.fma(a[i + 2], b[i + 2], s2);
            s3 = Math.fma(a[i + 3], b[i + 3], s3);
        }
        for (; i < n; i++) {
            s0 = Math.fma(a[i], b[i], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void axpyRows(float[] coef, int count, float[][] rs, int n, float[] out) {
        int i = 0;
        for (; i + 3 < count; i += 4) {
            float c0 = coef[i];
            float c1 = coef[i + 1];
            float c2 = coef[i + 2];
            float c3 = coef[i + 3];
            float[] r0 = rs[i];
            float[] r1 = rs[i + 1];
            float[] r2 = rs[i + 2];
            float[] r3 = rs[i + 3];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(c1, r1[j], Math.fma(c0, r0[j], out[j])) + Math.fma(c3, r3[j], c2 * r2[j]);
            }
        }
        for (; i < count; i++) {
            float c = coef[i];
            float[] r = rs[i];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(c, r[j], out[j]);
            }
        }
    }

    private void inputGradient() {
        int layers = w.length;
        int last = layers - 1;
        float[] d = gradA;
        float[] other = gradB;
        float[] wLast = w[last];
        int n = sizes[last];
        if (last == 0) {
            System.arraycopy(wLast, 0, gradIn, 0, n);
            return;
        }
        float[] ml = derivative[last - 1];
        for (int j = 0; j < n; j++) {
            d[j] = wLast[j] * ml[j];
        }
        for (int l = last - 1; l >= 0; l--) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            float[] u = l == 0 ? gradIn : other;
            Arrays.fill(u, 0, nIn, 0f);
            axpyRows(d, nOut, rowsT[l], nIn, u);
            if (l > 0) {
                float[] m = derivative[l - 1];
                for (int i = 0; i < nIn; i++) {
                    u[i] *= m[i];
                }
                float[] t = d;
                d = u;
                other = t;
            }
        }
    }

    private void rankContributions(float[] x, ScoreResult out, int k) {
        int count = 0;
        int[] idx = out.topInput;
        double[] val = out.topContribution;
        for (int i = 0; i < sizes[0]; i++) {
            double c = -(double) gradIn[i] * ((double) x[i] - baseline[i]);
            if (count == k && c <= val[k - 1]) {
                continue;
            }
            int pos = count < k ? count++ : k - 1;
            while (pos > 0 && val[pos - 1] < c) {
                val[pos] = val[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            val[pos] = c;
            idx[pos] = i;
        }
        out.topCount = count;
    }
}
