package io.earthmover.model;

/**
 * Scores one critic input at a time in plain Java: critic value, calibrated score, anomaly flag
 * and, on request, top-k attribution, with no ND4J call and no allocation per record.
 *
 * <p><b>Not thread-safe</b>: it owns scratch buffers. Create one per stream thread with
 * {@link ModelBundle#newScorer(int)}; the weights themselves are shared, so this is cheap.
 *
 * <p>Two steps, so attribution (the input gradient, as costly as the forward pass) is paid only
 * for the records that need it: {@link #score(float[], ScoreResult, boolean)} with
 * {@code attribution=false} computes the critic, score and flag; {@link #attribute(float[], ScoreResult)}
 * then adds the top-k attribution for that same input, reusing the forward pass's pre-activations.
 * {@link #score(float[], ScoreResult)} does both.
 *
 * <p>Attribution is gradient x input: {@code c_i = -dD/dx_i * (x_i - m_i)}, with {@code m} the
 * holdout median of each critic input. To first order {@code sum_i c_i = D(m) - D(x)}, the critic
 * drop relative to a typical normal record; the inputs with the largest positive {@code c_i}
 * pushed the record towards anomalous the most. All {@code k} largest are reported, even if some
 * are negative.
 *
 * <p>A <b>conditional</b> model ({@code train.conditional}) serves {@code v(x) = D(x) - D(ref(x))},
 * {@code ref(x)} = {@code x} with its newest step replaced by the generator's {@code G(context, 0)}
 * ({@link ConditionalReference}): one generator pass and one more critic pass; the reference goes
 * into {@link ScoreResult#reconstruction} (its newest values are the record's expected values). Its
 * attribution is gradient x input of {@code v} with {@code ref(x)} as the baseline,
 * {@code c_i = -dD/dx_i (x_i - ref_i)}: {@code ref(x)} shares {@code x}'s context, so only the newest
 * step's values and differences get a contribution, and to first order {@code sum_i c_i = -v},
 * since {@code D(ref(x))} does not depend on the newest step. The cost is the plain critic's input
 * gradient, nothing more.
 *
 * <p>The multiply-adds run in a {@link DenseKernel} chosen once per JVM (the Vector API where the
 * JVM has it and it measures faster, else auto-vectorised plain Java); see {@link DenseKernels}.
 */
public final class FastScorer {
    private final PlainCritic net;
    private final DenseKernel kernel;
    private final Calibration calibration;
    private final double threshold;
    private final float[] baseline;
    private final int topK;
    /** z[l]: pre-activations of layer l; h[l]: input of layer l (h[0] unused, the caller's array is read). */
    private final float[][] z;
    private final float[][] h;
    /** With layer norm: norm[l] the normalised pre-activations of hidden layer l, inv[l] its 1/sigma (z[l] then holds u). */
    private final float[][] norm;
    private final float[] inv;
    private final float[] gradA;
    private final float[] gradB;
    private final float[] gradIn;
    /** Without layer norm: the input gradient through the last hidden layer; else null. */
    private final LastHiddenGradient lastHidden;
    /** The input of the last forward pass, which {@link #attribute} must be given again. */
    private float[] forwardInput;
    /** With an encoder: the reconstruction and how it enters the served value; else null. */
    private final Reconstructor reconstructor;
    private final double criticFactor;
    private final double errorFactor;
    /** With a conditional generator: the reference input {@code ref(x)}; else null. */
    private final ConditionalReference conditional;

    FastScorer(PlainCritic net, DenseKernel kernel, Calibration calibration, double threshold, float[] baseline, int topK) {
        this(net, kernel, calibration, threshold, baseline, topK, null);
    }

    FastScorer(PlainCritic net, DenseKernel kernel, Calibration calibration, double threshold, float[] baseline, int topK,
            Reconstructor reconstructor) {
        this(net, kernel, calibration, threshold, baseline, topK, reconstructor, null);
    }

    FastScorer(PlainCritic net, DenseKernel kernel, Calibration calibration, double threshold, float[] baseline, int topK,
            Reconstructor reconstructor, ConditionalReference conditional) {
        if (reconstructor != null && conditional != null) {
            throw new IllegalArgumentException("a model has an encoder or a conditional generator, not both");
        }
        this.conditional = conditional;
        if (topK < 0) {
            throw new IllegalArgumentException("topK must not be negative");
        }
        this.net = net;
        this.kernel = kernel;
        this.calibration = calibration;
        this.threshold = threshold;
        this.baseline = baseline;
        this.topK = Math.min(topK, net.inputSize());
        int layers = net.layers();
        z = new float[layers][];
        h = new float[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            z[l] = new float[net.sizes[l + 1]];
            h[l] = new float[net.sizes[l]];
            widest = Math.max(widest, net.sizes[l]);
        }
        norm = new float[net.layerNorm() ? layers - 1 : 0][];
        for (int l = 0; l < norm.length; l++) {
            norm[l] = new float[net.sizes[l + 1]];
        }
        inv = new float[norm.length];
        gradA = new float[widest];
        gradB = new float[widest];
        gradIn = new float[net.inputSize()];
        lastHidden = net.allActive == null ? null : new LastHiddenGradient(net, kernel);
        this.reconstructor = reconstructor;
        this.criticFactor = reconstructor == null ? 1 : reconstructor.combination().criticFactor();
        this.errorFactor = reconstructor == null ? 0 : reconstructor.combination().errorFactor();
    }

    /** Whether scores carry a reconstruction ({@link ScoreResult#reconstruction}). */
    public boolean hasEncoder() {
        return reconstructor != null;
    }

    /** Whether the served value is a conditional model's {@code D(x) - D(ref(x))} (scores then carry {@code ref(x)}). */
    public boolean isConditional() {
        return conditional != null;
    }

    public int inputSize() {
        return net.inputSize();
    }

    public int topK() {
        return topK;
    }

    /** The kernel doing the multiply-adds ({@code scalar} or {@code vector-api(...)}), for logs and benchmarks. */
    public String kernelName() {
        return kernel.name();
    }

    /** Which kernel {@link ModelBundle#newScorer(int)} uses in this JVM, and why (measured at first use). */
    public static String kernelChoice() {
        DenseKernels.Choice c = DenseKernels.selected();
        return c.kernel().name() + " (" + c.reason() + ")";
    }

    /** The critic network's value D(x) only (for a model with an encoder, not the served combination). */
    public double critic(float[] input) {
        checkInput(input);
        return forward(input);
    }

    /** Scores a critic input from {@code Featuriser.featurise} into {@code out}, with top-k attribution. */
    public void score(float[] input, ScoreResult out) {
        score(input, out, true);
    }

    /**
     * Critic value, calibrated score and anomaly flag into {@code out}; with {@code attribution}
     * also the top-k attribution, else {@code out.topCount = 0} and {@link #attribute} may add it later.
     */
    public void score(float[] input, ScoreResult out, boolean attribution) {
        checkInput(input);
        double dRef = 0;
        if (conditional != null) {
            if (out.reconstruction == null || out.reconstruction.length < net.inputSize()) {
                out.reconstruction = new float[net.inputSize()];
            }
            conditional.reference(input, out.reconstruction);
            // the reference first: attribute() reuses the last forward pass, which must be the record's own
            dRef = forward(out.reconstruction);
        }
        double d = forward(input);
        out.reconstructed = conditional != null;
        out.reconstructionError = Double.NaN;
        if (conditional != null) {
            d -= dRef;
        }
        if (reconstructor != null) {
            if (out.reconstruction == null || out.reconstruction.length < net.inputSize()) {
                out.reconstruction = new float[net.inputSize()];
            }
            double r = reconstructor.reconstruct(input, out.reconstruction);
            out.reconstructionError = r;
            out.reconstructed = true;
            d = reconstructor.combination().value(d, r);
        }
        out.critic = d;
        out.score = calibration.score(d);
        out.anomaly = out.score >= threshold;
        out.topCount = 0;
        if (attribution) {
            attribute(input, out);
        }
    }

    /**
     * Adds the top-k attribution to {@code out} for the input of the last {@code score} call, which
     * must be passed again, unchanged: the input gradient reuses that forward pass.
     *
     * @throws IllegalStateException if the last forward pass was on another array
     */
    public void attribute(float[] input, ScoreResult out) {
        if (input != forwardInput) {
            throw new IllegalStateException("attribute() needs the input of the last score() call on this scorer");
        }
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

    /**
     * Dense layers with LeakyReLU between them, each hidden layer layer-normalised first when the
     * critic has layer norm ({@code z[l]} then holds the normalised {@code u}). The activation is {@code max(z, slope * z)}
     * (slope in [0,1), checked when the bundle is read): branch-free and vectorised by C2; the
     * derivative is needed only for attribution and computed there from {@code z}.
     */
    private double forward(float[] x) {
        forwardInput = x;
        int layers = net.layers();
        float slope = net.slope;
        float[] in = x;
        for (int l = 0; l < layers; l++) {
            int nIn = net.sizes[l];
            int nOut = net.sizes[l + 1];
            float[] out = z[l];
            if (nOut == 1) {
                out[0] = net.b[l][0] + kernel.dot(in, net.w[l], nIn);
            } else {
                kernel.combineRows(in, nIn, net.rows[l], net.w[l], nOut, net.b[l], out);
            }
            if (l < layers - 1) {
                if (norm.length > 0) {
                    inv[l] = LayerNorm.forward(out, nOut, net.gain[l], net.shift[l], norm[l]);
                }
                float[] act = h[l + 1];
                for (int j = 0; j < nOut; j++) {
                    act[j] = Math.max(out[j], slope * out[j]);
                }
                in = act;
            }
        }
        return z[layers - 1][0];
    }

    /** dD/dx into gradIn, from the pre-activations of the last forward pass. */
    private void inputGradient() {
        int layers = net.layers();
        int last = layers - 1;
        float[] wLast = net.w[last];
        int n = net.sizes[last];
        if (last == 0) {
            System.arraycopy(wLast, 0, gradIn, 0, n);
            return;
        }
        float[] d = gradA;
        float[] other = gradB;
        int from = last - 1;
        if (lastHidden != null) {
            lastHidden.into(z[from], from == 0 ? gradIn : other);
            if (from == 0) {
                return;
            }
            kernel.timesLeakyDerivative(other, z[from - 1], net.sizes[from], net.slope);
            d = other;
            other = gradA;
            from--;
        } else {
            // gradient at the last hidden layer's pre-activation: w_last * derivative
            System.arraycopy(wLast, 0, d, 0, n);
            kernel.timesLeakyDerivative(d, z[last - 1], n, net.slope);
            normBackward(d, last - 1);
        }
        for (int l = from; l >= 0; l--) {
            int nIn = net.sizes[l];
            int nOut = net.sizes[l + 1];
            float[] u = l == 0 ? gradIn : other;
            kernel.combineRows(d, nOut, net.rowsT[l], net.wt[l], nIn, null, u);
            if (l > 0) {
                kernel.timesLeakyDerivative(u, z[l - 1], nIn, net.slope);
                normBackward(u, l - 1);
                float[] t = d;
                d = u;
                other = t;
            }
        }
    }

    /** Through hidden layer l's layer norm, if any: dD/du to dD/dz in place. */
    private void normBackward(float[] d, int l) {
        if (norm.length > 0) {
            LayerNorm.backward(d, net.sizes[l + 1], net.gain[l], norm[l], inv[l]);
        }
    }

    /**
     * Keeps the k largest contributions, sorted descending, by insertion (k is small). With an
     * encoder each input's contribution is the critic's, times its factor in the served value,
     * plus its share of the reconstruction error's term, {@code errorFactor (x_i - G(E(x))_i)^2 / n}.
     */
    private void rankContributions(float[] x, ScoreResult out, int k) {
        int count = 0;
        int[] idx = out.topInput;
        double[] val = out.topContribution;
        int n = net.inputSize();
        boolean rec = out.reconstructed && conditional == null;
        float[] base = conditional != null ? out.reconstruction : baseline;
        for (int i = 0; i < n; i++) {
            double c = -(double) gradIn[i] * ((double) x[i] - base[i]);
            if (rec) {
                double e = (double) x[i] - out.reconstruction[i];
                c = criticFactor * c + errorFactor * e * e / n;
            }
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

    /** The input gradient of the last attributed record (for tests): copied out. */
    float[] lastInputGradient() {
        return gradIn.clone();
    }
}
