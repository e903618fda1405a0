package io.earthmover.model;

import java.util.Arrays;

/**
 * Scores one critic input at a time in plain Java: critic value, calibrated score, anomaly flag
 * and top-k attribution, with no ND4J call and no allocation per record.
 *
 * <p><b>Not thread-safe</b>: it owns scratch buffers. Create one per stream thread with
 * {@link ModelBundle#newScorer(int)}; the weights themselves are shared, so this is cheap.
 *
 * <p>Attribution is gradient x input: {@code c_i = -dD/dx_i * (x_i - m_i)}, with {@code m} the
 * holdout median of each critic input. To first order {@code sum_i c_i = D(m) - D(x)}, the critic
 * drop relative to a typical normal record; the inputs with the largest positive {@code c_i}
 * pushed the record towards anomalous the most. All {@code k} largest are reported, even if some
 * are negative.
 */
public final class FastScorer {
    private static final int ONE_BITS = Float.floatToRawIntBits(1f);
    private final PlainCritic net;
    private final Calibration calibration;
    private final double threshold;
    private final float[] baseline;
    private final int topK;
    /** z[l]: pre-activations of layer l; h[l]: input of layer l (h[0] unused, the caller's array is read). */
    private final float[][] z;
    private final float[][] h;
    /** derivative[l]: LeakyReLU derivative (1 or slope) at z[l], reused by the input-gradient pass. */
    private final float[][] derivative;
    private final float[] gradA;
    private final float[] gradB;
    private final float[] gradIn;
    private final int slopeBits;

    FastScorer(PlainCritic net, Calibration calibration, double threshold, float[] baseline, int topK) {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must not be negative");
        }
        this.net = net;
        this.calibration = calibration;
        this.threshold = threshold;
        this.baseline = baseline;
        this.topK = Math.min(topK, net.inputSize());
        int layers = net.layers();
        z = new float[layers][];
        h = new float[layers][];
        derivative = new float[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            z[l] = new float[net.sizes[l + 1]];
            derivative[l] = new float[net.sizes[l + 1]];
            h[l] = new float[net.sizes[l]];
            widest = Math.max(widest, net.sizes[l]);
        }
        gradA = new float[widest];
        gradB = new float[widest];
        gradIn = new float[net.inputSize()];
        slopeBits = Float.floatToRawIntBits(net.slope);
    }

    public int inputSize() {
        return net.inputSize();
    }

    public int topK() {
        return topK;
    }

    /** Critic value only. */
    public double critic(float[] input) {
        checkInput(input);
        return forward(input);
    }

    /** Scores a critic input from {@code Featuriser.featurise} into {@code out}. */
    public void score(float[] input, ScoreResult out) {
        checkInput(input);
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

    private void checkInput(float[] input) {
        if (input.length < net.inputSize()) {
            throw new IllegalArgumentException("input has " + input.length + " values, the critic needs " + net.inputSize());
        }
    }

    private double forward(float[] x) {
        int layers = net.layers();
        float[] in = x;
        for (int l = 0; l < layers; l++) {
            int nIn = net.sizes[l];
            int nOut = net.sizes[l + 1];
            float[] out = z[l];
            if (nOut == 1) {
                out[0] = net.b[l][0] + dot(in, net.w[l], nIn);
            } else {
                System.arraycopy(net.b[l], 0, out, 0, nOut);
                axpyRows(in, nIn, net.rows[l], nOut, out);
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

    /**
     * m[j] = z[j] > 0 ? 1 : slope, without a branch: the signs of pre-activations are random, and
     * a mispredicted branch per unit cost more than all the multiply-adds (measured 2x overall).
     * {@code (bits - 1) | bits} has its sign bit set exactly for z <= 0 (including -0.0).
     */
    private void leakyDerivative(float[] zs, float[] m, int n) {
        int one = ONE_BITS;
        int slope = slopeBits;
        for (int j = 0; j < n; j++) {
            int bits = Float.floatToRawIntBits(zs[j]);
            int notPositive = ((bits - 1) | bits) >> 31;
            m[j] = Float.intBitsToFloat((~notPositive & one) | (notPositive & slope));
        }
    }

    /** Four partial sums: one serial chain of float adds is latency-bound. */
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

    /**
     * out[0..n) += sum_i coef[i] * rows[i][0..n), four rows per pass over out (fewer loads and
     * stores of out), as two independent fused multiply-add pairs so C2's superword pass emits
     * vector FMAs with a short dependency chain. Separate row arrays: see {@link PlainCritic}.
     */
    private static void axpyRows(float[] coef, int count, float[][] rows, int n, float[] out) {
        int i = 0;
        for (; i + 3 < count; i += 4) {
            float c0 = coef[i];
            float c1 = coef[i + 1];
            float c2 = coef[i + 2];
            float c3 = coef[i + 3];
            float[] r0 = rows[i];
            float[] r1 = rows[i + 1];
            float[] r2 = rows[i + 2];
            float[] r3 = rows[i + 3];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(c1, r1[j], Math.fma(c0, r0[j], out[j])) + Math.fma(c3, r3[j], c2 * r2[j]);
            }
        }
        for (; i < count; i++) {
            float c = coef[i];
            float[] r = rows[i];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(c, r[j], out[j]);
            }
        }
    }

    /** dD/dx into gradIn, reusing the forward pass's LeakyReLU derivatives. */
    private void inputGradient() {
        int layers = net.layers();
        int last = layers - 1;
        // gradient at the last hidden layer's pre-activation: w_last * derivative
        float[] d = gradA;
        float[] other = gradB;
        float[] wLast = net.w[last];
        int n = net.sizes[last];
        if (last == 0) {
            System.arraycopy(wLast, 0, gradIn, 0, n);
            return;
        }
        float[] ml = derivative[last - 1];
        for (int j = 0; j < n; j++) {
            d[j] = wLast[j] * ml[j];
        }
        for (int l = last - 1; l >= 0; l--) {
            int nIn = net.sizes[l];
            int nOut = net.sizes[l + 1];
            float[] u = l == 0 ? gradIn : other;
            Arrays.fill(u, 0, nIn, 0f);
            axpyRows(d, nOut, net.rowsT[l], nIn, u);
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

    /** Keeps the k largest contributions, sorted descending, by insertion (k is small). */
    private void rankContributions(float[] x, ScoreResult out, int k) {
        int count = 0;
        int[] idx = out.topInput;
        double[] val = out.topContribution;
        int n = net.inputSize();
        for (int i = 0; i < n; i++) {
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

    /** The input gradient of the last scored record (for tests): copied out. */
    float[] lastInputGradient() {
        return gradIn.clone();
    }
}
