package io.earthmover.train;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A multilayer perceptron on ND4J: LeakyReLU hidden layers, optionally layer-normalised, linear
 * output. Layer {@code l} computes {@code z = h[l] W[l] + b[l]} with {@code W[l]} of shape
 * {@code sizes[l] x sizes[l+1]}; with layer norm a hidden layer then computes
 * {@code u = gain * (z - mean z) / sqrt(var z + eps) + shift} (per row, over the layer's units;
 * {@link io.earthmover.model.LayerNorm#EPSILON}) before the activation. Besides the usual backward pass it has the backward pass of the
 * input gradient ("backward of the backward"), which the WGAN-GP penalty needs and SameDiff
 * cannot derive. Because LeakyReLU' is piecewise constant, the input gradient is linear in the
 * weights between kinks, so the biases get no penalty gradient (almost everywhere). Layer norm
 * makes it nonlinear: its penalty gradient is the forward-mode derivative (R-operator) of the
 * parameter backward pass in the direction of the penalty's input-gradient weights, see
 * {@link #inputGradientBackward}.
 *
 * <p>Not thread-safe: the training thread owns it. The data type of the weights (float for
 * training, double for the gradient tests) is the data type of all computation.
 */
public final class Mlp {
    public static final double DEFAULT_SLOPE = 0.2;

    private final int[] sizes;
    private final double slope;
    private final boolean layerNorm;
    /** All parameters in one contiguous vector, so an optimiser step is a handful of ND4J ops. */
    private final INDArray flat;
    private final INDArray[] w;
    private final INDArray[] b;
    /** Layer norm's gain and shift of each hidden layer ({@code 1 x sizes[l+1]}); empty without layer norm. */
    private final INDArray[] gain;
    private final INDArray[] shift;
    /** A cached row of ones for the bias gradients (one gemm), detached from workspaces. */
    private INDArray ones;

    private Mlp(int[] sizes, double slope, INDArray[] w, INDArray[] b, INDArray[] gain, INDArray[] shift) {
        this.sizes = sizes;
        this.slope = slope;
        this.layerNorm = gain.length > 0;
        Params p = allocate(sizes, layerNorm, w[0].dataType());
        int layers = w.length;
        for (int l = 0; l < layers; l++) {
            p.views[2 * l].assign(w[l]);
            p.views[2 * l + 1].assign(b[l]);
        }
        for (int k = 0; k < gain.length; k++) {
            p.views[gainIndex(layers, k)].assign(gain[k]);
            p.views[gainIndex(layers, k) + 1].assign(shift[k]);
        }
        this.flat = p.flat;
        this.w = new INDArray[layers];
        this.b = new INDArray[layers];
        this.gain = new INDArray[gain.length];
        this.shift = new INDArray[gain.length];
        for (int l = 0; l < layers; l++) {
            this.w[l] = p.views[2 * l];
            this.b[l] = p.views[2 * l + 1];
        }
        for (int k = 0; k < gain.length; k++) {
            this.gain[k] = p.views[gainIndex(layers, k)];
            this.shift[k] = p.views[gainIndex(layers, k) + 1];
        }
    }

    /** Index of hidden layer k's gain in {@link #params()} (its shift follows): after all weights and biases. */
    private static int gainIndex(int layers, int k) {
        return 2 * layers + 2 * k;
    }

    /**
     * A flat parameter-shaped buffer and its per-layer views in the order W0, b0, W1, b1, ...,
     * then (with layer norm) gain0, shift0, gain1, shift1, ... of the hidden layers. Writing a view
     * writes the flat vector.
     */
    public record Params(INDArray flat, INDArray[] views) {
        public void zero() {
            flat.assign(0);
        }
    }

    private static Params allocate(int[] sizes, boolean layerNorm, DataType dt) {
        int layers = sizes.length - 1;
        int norms = layerNorm ? layers - 1 : 0;
        long total = 0;
        for (int l = 0; l < layers; l++) {
            total += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        for (int k = 0; k < norms; k++) {
            total += 2L * sizes[k + 1];
        }
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray flat = Nd4j.zeros(dt, total);
            INDArray[] views = new INDArray[2 * layers + 2 * norms];
            long off = 0;
            for (int l = 0; l < layers; l++) {
                long nw = (long) sizes[l] * sizes[l + 1];
                views[2 * l] = flat.get(NDArrayIndex.interval(off, off + nw)).reshape('c', sizes[l], sizes[l + 1]);
                off += nw;
                views[2 * l + 1] = flat.get(NDArrayIndex.interval(off, off + sizes[l + 1])).reshape('c', 1, sizes[l + 1]);
                off += sizes[l + 1];
            }
            for (int k = 0; k < norms; k++) {
                for (int j = 0; j < 2; j++) {
                    views[gainIndex(layers, k) + j] = flat.get(NDArrayIndex.interval(off, off + sizes[k + 1])).reshape('c', 1, sizes[k + 1]);
                    off += sizes[k + 1];
                }
            }
            for (INDArray v : views) {
                if (!v.isView()) {
                    throw new IllegalStateException("ND4J copied a parameter view");
                }
            }
            return new Params(flat, views);
        }
    }

    /** Layer sizes {@code [inputs, hidden..., outputs]}. */
    public static int[] layerSizes(int inputs, int[] hidden, int outputs) {
        int[] s = new int[hidden.length + 2];
        s[0] = inputs;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = outputs;
        return s;
    }

    /** He-style seeded initialisation (gain for LeakyReLU; unit gain for the linear output layer), zero biases. */
    public static Mlp init(int[] sizes, double slope, Random rng, DataType dt) {
        return init(sizes, slope, false, rng, dt);
    }

    /**
     * As above, with layer norm in the hidden layers when {@code layerNorm} (gains 1, shifts 0:
     * the same random draws as without, so a seed gives the same weights either way).
     */
    public static Mlp init(int[] sizes, double slope, boolean layerNorm, Random rng, DataType dt) {
        checkSizes(sizes);
        int layers = sizes.length - 1;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int l = 0; l < layers; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double gain = l < layers - 1 ? 2.0 / (1 + slope * slope) : 1.0;
                double std = Math.sqrt(gain / in);
                double[] v = new double[in * out];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rng.nextGaussian() * std;
                }
                w[l] = Nd4j.create(v, new long[] {in, out}, 'c').castTo(dt);
                b[l] = Nd4j.zeros(dt, 1, out);
            }
            int norms = layerNorm ? layers - 1 : 0;
            INDArray[] g = new INDArray[norms];
            INDArray[] s = new INDArray[norms];
            for (int k = 0; k < norms; k++) {
                g[k] = Nd4j.ones(dt, 1, sizes[k + 1]);
                s[k] = Nd4j.zeros(dt, 1, sizes[k + 1]);
            }
            return new Mlp(sizes.clone(), slope, w, b, g, s);
        }
    }

    /** The critic of a bundle as an ND4J network (batch scoring, benchmarks, agreement tests). */
    public static Mlp critic(io.earthmover.model.ModelBundle bundle, DataType dt) {
        var a = bundle.manifest().architecture();
        return of(a.critic(), a.leakyReluSlope(), bundle.criticWeights(), bundle.criticBiases(), bundle.criticGains(),
                bundle.criticShifts(), dt);
    }

    /** Rebuilds a network without layer norm from row-major weights ({@code in x out}) and biases. */
    public static Mlp of(int[] sizes, double slope, float[][] weights, float[][] biases, DataType dt) {
        return of(sizes, slope, weights, biases, new float[0][], new float[0][], dt);
    }

    /** As above, with layer norm's gains and shifts of the hidden layers (empty arrays: no layer norm). */
    public static Mlp of(int[] sizes, double slope, float[][] weights, float[][] biases, float[][] gains, float[][] shifts,
            DataType dt) {
        checkSizes(sizes);
        if (gains.length != shifts.length || (gains.length != 0 && gains.length != sizes.length - 2)) {
            throw new IllegalArgumentException("expected no layer norm or one per hidden layer");
        }
        int layers = sizes.length - 1;
        if (weights.length != layers || biases.length != layers) {
            throw new IllegalArgumentException("expected " + layers + " layers of weights and biases");
        }
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int l = 0; l < layers; l++) {
                if (weights[l].length != sizes[l] * sizes[l + 1] || biases[l].length != sizes[l + 1]) {
                    throw new IllegalArgumentException("layer " + l + " has the wrong number of values");
                }
                w[l] = Nd4j.create(weights[l], new long[] {sizes[l], sizes[l + 1]}, 'c').castTo(dt);
                b[l] = Nd4j.create(biases[l], new long[] {1, sizes[l + 1]}, 'c').castTo(dt);
            }
            INDArray[] g = new INDArray[gains.length];
            INDArray[] s = new INDArray[gains.length];
            for (int k = 0; k < gains.length; k++) {
                if (gains[k].length != sizes[k + 1] || shifts[k].length != sizes[k + 1]) {
                    throw new IllegalArgumentException("layer norm " + k + " has the wrong number of values");
                }
                g[k] = Nd4j.create(gains[k], new long[] {1, sizes[k + 1]}, 'c').castTo(dt);
                s[k] = Nd4j.create(shifts[k], new long[] {1, sizes[k + 1]}, 'c').castTo(dt);
            }
            return new Mlp(sizes.clone(), slope, w, b, g, s);
        }
    }

    private static void checkSizes(int[] sizes) {
        if (sizes.length < 2 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("layer sizes must be at least two positive numbers: " + Arrays.toString(sizes));
        }
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public int layers() {
        return w.length;
    }

    public double slope() {
        return slope;
    }

    public DataType dataType() {
        return w[0].dataType();
    }

    public INDArray weight(int l) {
        return w[l];
    }

    public INDArray bias(int l) {
        return b[l];
    }

    public boolean layerNorm() {
        return layerNorm;
    }

    /** Layer norm's gain of hidden layer k (live). */
    public INDArray gain(int k) {
        return gain[k];
    }

    public INDArray shift(int k) {
        return shift[k];
    }

    /** Parameters in the order of {@link Params} (the live arrays: updates write into them). */
    public INDArray[] params() {
        INDArray[] p = new INDArray[2 * w.length + 2 * gain.length];
        for (int l = 0; l < w.length; l++) {
            p[2 * l] = w[l];
            p[2 * l + 1] = b[l];
        }
        for (int k = 0; k < gain.length; k++) {
            p[gainIndex(w.length, k)] = gain[k];
            p[gainIndex(w.length, k) + 1] = shift[k];
        }
        return p;
    }

    /** A zeroed detached buffer shaped like {@link #params()}, for gradients. */
    public Params zerosLikeParams() {
        return allocate(sizes, layerNorm, dataType());
    }

    /** The live flat parameter vector (the views of {@link #params()} point into it). */
    public INDArray flatParams() {
        return flat;
    }

    public long parameterCount() {
        return flat.length();
    }

    /** Deep copy (detached), e.g. to compare weights between runs. */
    public Mlp copy() {
        return new Mlp(sizes.clone(), slope, w, b, gain, shift);
    }

    /** Weights of layer l as row-major float32 ({@code in x out}). */
    public float[] weightsAsFloats(int l) {
        return w[l].castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    public float[] biasAsFloats(int l) {
        return b[l].castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    public float[] gainAsFloats(int k) {
        return gain[k].castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    public float[] shiftAsFloats(int k) {
        return shift[k].castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Activations kept for the backward passes. */
    public static final class Forward {
        /** h[l] is the input of layer l (h[0] = x). */
        final INDArray[] h;
        /** m[l] is LeakyReLU'(pre-activation) of hidden layer l (1 or slope), shared by all backward passes. */
        final INDArray[] m;
        /** With layer norm: n[k] the normalised pre-activation of hidden layer k, inv[k] its 1/sigma per row (a column). */
        final INDArray[] n;
        final INDArray[] inv;
        final INDArray out;

        Forward(INDArray[] h, INDArray[] m, INDArray[] n, INDArray[] inv, INDArray out) {
            this.h = h;
            this.m = m;
            this.n = n;
            this.inv = inv;
            this.out = out;
        }

        public INDArray out() {
            return out;
        }

        public long rows() {
            return out.rows();
        }
    }

    /** Forward pass of a batch (rows = samples). */
    public Forward forward(INDArray x) {
        int layers = w.length;
        INDArray[] h = new INDArray[layers];
        INDArray[] m = new INDArray[layers - 1];
        INDArray[] n = new INDArray[layerNorm ? layers - 1 : 0];
        INDArray[] inv = new INDArray[n.length];
        h[0] = x;
        INDArray cur = x;
        for (int l = 0; l < layers; l++) {
            INDArray z = mm(cur, w[l], false, false).addiRowVector(b[l]);
            if (layerNorm && l < layers - 1) {
                // z - mean, then times 1/sqrt(var + eps); u = gain * n + shift replaces z
                INDArray c = z.subiColumnVector(rowMean(z));
                inv[l] = Transforms.pow(rowMean(c.mul(c)).addi(io.earthmover.model.LayerNorm.EPSILON), -0.5, false);
                n[l] = c.muliColumnVector(inv[l]);
                z = n[l].mulRowVector(gain[l]).addiRowVector(shift[l]);
            }
            if (l < layers - 1) {
                // the mask once, then the activation as z * mask: cheaper than ND4J's LeakyReLU ops
                m[l] = Nd4j.exec(new LeakyReLUDerivative(z, z.ulike(), slope));
                cur = z.muli(m[l]);
                h[l + 1] = cur;
            } else {
                cur = z;
            }
        }
        return new Forward(h, m, n, inv, cur);
    }

    /** Mean of each row, as a column. */
    private static INDArray rowMean(INDArray a) {
        return a.mean(1).reshape(a.rows(), 1);
    }

    /**
     * Layer norm's backward: from {@code du = dL/du} of hidden layer k to {@code dz = dL/dz}:
     * {@code dn = du * gain}, {@code dz = inv * (dn - mean(dn) - n * mean(dn * n))}.
     */
    private INDArray normBackward(Forward f, int k, INDArray du) {
        INDArray dn = du.mulRowVector(gain[k]);
        INDArray r = rowMean(dn.mul(f.n[k]));
        return dn.subiColumnVector(rowMean(dn)).subi(f.n[k].mulColumnVector(r)).muliColumnVector(f.inv[k]);
    }

    /** Adds {@code scale} times the gain and shift gradients of hidden layer k over rows {@code [0, rows)}. */
    private void normParamGradients(Forward f, int k, INDArray du, Params grads, double scale, long rows) {
        INDArray ones = onesRow(rows);
        INDArray duRows = du.get(NDArrayIndex.interval(0, rows));
        INDArray nRows = f.n[k].get(NDArrayIndex.interval(0, rows));
        Nd4j.gemm(ones, duRows.mul(nRows), grads.views()[gainIndex(w.length, k)], false, false, scale, 1.0);
        Nd4j.gemm(ones, duRows, grads.views()[gainIndex(w.length, k) + 1], false, false, scale, 1.0);
    }

    /** op(a) op(b) into a new c-order array (ND4J's allocating mmul is much slower here). */
    static INDArray mm(INDArray a, INDArray b, boolean ta, boolean tb) {
        long rows = ta ? a.columns() : a.rows();
        long cols = tb ? b.rows() : b.columns();
        INDArray c = Nd4j.createUninitialized(a.dataType(), rows, cols);
        Nd4j.gemm(a, b, c, ta, tb, 1.0, 0.0);
        return c;
    }

    /** Output only. */
    public INDArray output(INDArray x) {
        return forward(x).out;
    }

    /** Gradients at each layer's output (pre-activation), dz[layers-1] = dOut, kept for the double backward. */
    public static final class Backward {
        final INDArray[] dz;
        /** With layer norm: du[k] = dOut/du of hidden layer k (before the norm's backward); else null entries. */
        final INDArray[] du;
        final INDArray dx;

        Backward(INDArray[] dz, INDArray[] du, INDArray dx) {
            this.dz = dz;
            this.du = du;
            this.dx = dx;
        }

        /** Gradient with respect to the input rows. */
        public INDArray dx() {
            return dx;
        }
    }

    /**
     * Backward pass for upstream gradient {@code dOut}. When {@code grads} is not null, adds
     * {@code scale} times the parameter gradients into it (layout of {@link #params()}).
     */
    public Backward backward(Forward f, INDArray dOut, Params grads, double scale) {
        return backward(f, dOut, grads, scale, true);
    }

    /** As above; {@code needInput = false} skips the input gradient (null in the result). */
    public Backward backward(Forward f, INDArray dOut, Params grads, double scale, boolean needInput) {
        int layers = w.length;
        INDArray[] dz = new INDArray[layers];
        INDArray[] du = new INDArray[layers - 1];
        dz[layers - 1] = dOut;
        INDArray d = dOut;
        INDArray ones = grads == null ? null : onesRow(f.rows());
        for (int l = layers - 1; l >= 0; l--) {
            if (grads != null) {
                Nd4j.gemm(f.h[l], d, grads.views()[2 * l], true, false, scale, 1.0);
                Nd4j.gemm(ones, d, grads.views()[2 * l + 1], false, false, scale, 1.0);
            }
            if (l == 0 && !needInput) {
                return new Backward(dz, du, null);
            }
            INDArray dh = mm(d, w[l], false, true);
            if (l > 0) {
                d = hiddenBackward(f, l - 1, dh, du, grads, scale, f.rows());
                dz[l - 1] = d;
            } else {
                return new Backward(dz, du, dh);
            }
        }
        throw new AssertionError();
    }

    /**
     * From dL/dh of hidden layer k's output to dL/dz of its pre-activation: times the LeakyReLU
     * mask, then (with layer norm) the norm's backward, adding its gain and shift gradients over
     * rows {@code [0, gradRows)} into {@code grads} when not null and keeping dL/du in {@code du[k]}.
     */
    private INDArray hiddenBackward(Forward f, int k, INDArray dh, INDArray[] du, Params grads, double scale, long gradRows) {
        INDArray d = dh.muli(f.m[k]);
        if (!layerNorm) {
            return d;
        }
        du[k] = d;
        if (grads != null) {
            normParamGradients(f, k, d, grads, scale, gradRows);
        }
        return normBackward(f, k, d);
    }

    /**
     * One backward pass over all rows of {@code f} for upstream {@code dOut}, with the weight
     * gradients taken from rows {@code [0, gradRows)} only and the input gradient computed for rows
     * {@code [inputFrom, rows)} only. The WGAN-GP critic step uses it to run the Wasserstein
     * backward (real and fake rows) and the input-gradient pass (interpolate rows, dOut = 1) as
     * one set of matrix products.
     */
    public Backward backwardSplit(Forward f, INDArray dOut, Params grads, double scale, long gradRows, long inputFrom) {
        int layers = w.length;
        long rows = f.rows();
        INDArray[] dz = new INDArray[layers];
        INDArray[] du = new INDArray[layers - 1];
        dz[layers - 1] = dOut;
        INDArray d = dOut;
        INDArray ones = onesRow(gradRows);
        for (int l = layers - 1; l >= 0; l--) {
            INDArray dRows = d.get(NDArrayIndex.interval(0, gradRows));
            Nd4j.gemm(f.h[l].get(NDArrayIndex.interval(0, gradRows)), dRows, grads.views()[2 * l], true, false, scale, 1.0);
            Nd4j.gemm(ones, dRows, grads.views()[2 * l + 1], false, false, scale, 1.0);
            if (l == 0) {
                return new Backward(dz, du, mm(d.get(NDArrayIndex.interval(inputFrom, rows)), w[0], false, true));
            }
            d = hiddenBackward(f, l - 1, mm(d, w[l], false, true), du, grads, scale, gradRows);
            dz[l - 1] = d;
        }
        throw new AssertionError();
    }

    /** {@code 1 x n} ones, a view of a cached array grown as needed (saves an allocation and a fill per step). */
    private INDArray onesRow(long n) {
        if (ones == null || ones.columns() < n) {
            try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(dataType(), 1, n);
            }
        }
        return ones.columns() == n ? ones : ones.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, n));
    }

    /** The rows {@code [from, to)} of a forward pass and of its backward pass, as views. */
    public static Forward rows(Forward f, long from, long to) {
        INDArray[] h = new INDArray[f.h.length];
        for (int l = 0; l < h.length; l++) {
            h[l] = f.h[l].get(NDArrayIndex.interval(from, to));
        }
        return new Forward(h, slice(f.m, from, to), slice(f.n, from, to), slice(f.inv, from, to),
                f.out.get(NDArrayIndex.interval(from, to)));
    }

    public static Backward rows(Backward b, long from, long to, INDArray dx) {
        return new Backward(slice(b.dz, from, to), slice(b.du, from, to), dx);
    }

    private static INDArray[] slice(INDArray[] a, long from, long to) {
        INDArray[] s = new INDArray[a.length];
        for (int l = 0; l < a.length; l++) {
            s[l] = a[l] == null ? null : a[l].get(NDArrayIndex.interval(from, to));
        }
        return s;
    }

    /** Input gradient of a scalar-output network, one row per sample: d out_i / d x_i. */
    public Backward inputGradient(Forward f) {
        if (sizes[sizes.length - 1] != 1) {
            throw new IllegalStateException("input gradient needs a single output");
        }
        INDArray ones = Nd4j.ones(dataType(), f.rows(), 1);
        return backward(f, ones, null, 1.0);
    }

    /**
     * Backward of the input gradient: given {@code gBar = dP/dg} for the rows' input gradients
     * {@code g} (from {@link #inputGradient}), adds {@code scale * dP/dW} into {@code grads}.
     * Bias gradients are zero (see the class comment) and left unchanged.
     */
    public void inputGradientBackward(Forward f, Backward ig, INDArray gBar, Params params, double scale) {
        if (layerNorm) {
            normInputGradientBackward(f, ig, gBar, params, scale);
            return;
        }
        INDArray[] grads = params.views();
        int layers = w.length;
        // g = dz[0] W0^T
        Nd4j.gemm(gBar, ig.dz[0], grads[0], true, false, scale, 1.0);
        INDArray dzBar = mm(gBar, w[0], false, false);
        for (int l = 1; l < layers; l++) {
            // dz[l-1] = mask[l-1] * dh[l],  dh[l] = dz[l] W[l]^T
            INDArray dhBar = dzBar.muli(f.m[l - 1]);
            Nd4j.gemm(dhBar, ig.dz[l], grads[2 * l], true, false, scale, 1.0);
            if (l < layers - 1) {
                dzBar = mm(dhBar, w[l], false, false);
            }
        }
    }

    /**
     * The penalty's parameter gradient with layer norm. {@code sum_i gBar_i . g_i} with
     * {@code g_i = dD/dx (x_i)} has parameter gradient {@code d/dt [dD/dtheta](x + t gBar)} at
     * {@code t = 0} (mixed partials commute), so this runs the tangent {@code gBar} forward through
     * the layers (dots: tangents) and then through the parameter backward pass of {@code dOut = 1}:
     * <pre>
     *   zd = hd W;  s = mean(n zd);  nd = inv (zd - mean zd - n s);  hd' = m * gain * nd
     *   dud = dhd * m;  dnd = dud * gain;  dn = du * gain;  r = mean(dn n)
     *   dzd = -inv s dz + inv (dnd - mean dnd - nd r - n mean(dnd n + dn nd))
     *   grad W += hd^T dz + h^T dzd;  grad b += sum dzd;  grad gain += sum(dud n + du nd);  grad shift += sum dud
     * </pre>
     * (inv's tangent is {@code -inv^2 s}; the masks are constant between kinks).
     */
    private void normInputGradientBackward(Forward f, Backward ig, INDArray gBar, Params params, double scale) {
        INDArray[] grads = params.views();
        int layers = w.length;
        long rows = gBar.rows();
        INDArray[] hd = new INDArray[layers];
        INDArray[] nd = new INDArray[layers - 1];
        INDArray[] s = new INDArray[layers - 1];
        hd[0] = gBar;
        for (int k = 0; k < layers - 1; k++) {
            INDArray zd = mm(hd[k], w[k], false, false);
            s[k] = rowMean(zd.mul(f.n[k]));
            nd[k] = zd.subColumnVector(rowMean(zd)).subi(f.n[k].mulColumnVector(s[k])).muliColumnVector(f.inv[k]);
            hd[k + 1] = nd[k].mulRowVector(gain[k]).muli(f.m[k]);
        }
        INDArray ones = onesRow(rows);
        // output layer: dz = dOut (constant), so only grad W gets hd^T dz
        Nd4j.gemm(hd[layers - 1], ig.dz[layers - 1], grads[2 * (layers - 1)], true, false, scale, 1.0);
        INDArray dhd = null; // the tangent of dL/dh at the output of the layer below: zero above the last hidden layer
        for (int k = layers - 2; k >= 0; k--) {
            INDArray du = ig.du[k];
            INDArray dz = ig.dz[k];
            INDArray n = f.n[k];
            INDArray dud = dhd == null ? du.ulike().assign(0) : dhd.muli(f.m[k]);
            Nd4j.gemm(ones, dud.mul(n).addi(du.mul(nd[k])), grads[gainIndex(layers, k)], false, false, scale, 1.0);
            Nd4j.gemm(ones, dud, grads[gainIndex(layers, k) + 1], false, false, scale, 1.0);
            INDArray dnd = dud.mulRowVector(gain[k]);
            INDArray dn = du.mulRowVector(gain[k]);
            INDArray r = rowMean(dn.mul(n));
            INDArray rd = rowMean(dnd.mul(n).addi(dn.mul(nd[k])));
            INDArray dzd = dnd.subColumnVector(rowMean(dnd)).subi(nd[k].mulColumnVector(r)).subi(n.mulColumnVector(rd))
                    .muliColumnVector(f.inv[k]).subi(dz.mulColumnVector(s[k]).muliColumnVector(f.inv[k]));
            Nd4j.gemm(hd[k], dz, grads[2 * k], true, false, scale, 1.0);
            Nd4j.gemm(f.h[k], dzd, grads[2 * k], true, false, scale, 1.0);
            Nd4j.gemm(ones, dzd, grads[2 * k + 1], false, false, scale, 1.0);
            if (k > 0) {
                dhd = mm(dzd, w[k], false, true);
            }
        }
    }
}
