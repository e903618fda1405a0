package io.earthmover.train;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A multilayer perceptron on ND4J: LeakyReLU hidden layers, linear output, no normalisation
 * layers. Layer {@code l} computes {@code h[l] W[l] + b[l]} with {@code W[l]} of shape
 * {@code sizes[l] x sizes[l+1]}. Besides the usual backward pass it has the backward pass of the
 * input gradient ("backward of the backward"), which the WGAN-GP penalty needs and SameDiff
 * cannot derive. Because LeakyReLU' is piecewise constant, the input gradient is linear in the
 * weights between kinks, so the biases get no penalty gradient (almost everywhere).
 *
 * <p>Not thread-safe: the training thread owns it. The data type of the weights (float for
 * training, double for the gradient tests) is the data type of all computation.
 */
public final class Mlp {
    public static final double DEFAULT_SLOPE = 0.2;

    private final int[] sizes;
    private final double slope;
    /** All parameters in one contiguous vector, so an optimiser step is a handful of ND4J ops. */
    private final INDArray flat;
    private final INDArray[] w;
    private final INDArray[] b;
    /** A cached row of ones for the bias gradients (one gemm), detached from workspaces. */
    private INDArray ones;

    private Mlp(int[] sizes, double slope, INDArray[] w, INDArray[] b) {
        this.sizes = sizes;
        this.slope = slope;
        Params p = allocate(sizes, w[0].dataType());
        for (int l = 0; l < w.length; l++) {
            p.views[2 * l].assign(w[l]);
            p.views[2 * l + 1].assign(b[l]);
        }
        this.flat = p.flat;
        this.w = new INDArray[w.length];
        this.b = new INDArray[b.length];
        for (int l = 0; l < w.length; l++) {
            this.w[l] = p.views[2 * l];
            this.b[l] = p.views[2 * l + 1];
        }
    }

    /**
     * A flat parameter-shaped buffer and its per-layer views in the order W0, b0, W1, b1, ...
     * Writing a view writes the flat vector.
     */
    public record Params(INDArray flat, INDArray[] views) {
        public void zero() {
            flat.assign(0);
        }
    }

    private static Params allocate(int[] sizes, DataType dt) {
        int layers = sizes.length - 1;
        long total = 0;
        for (int l = 0; l < layers; l++) {
            total += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray flat = Nd4j.zeros(dt, total);
            INDArray[] views = new INDArray[2 * layers];
            long off = 0;
            for (int l = 0; l < layers; l++) {
                long nw = (long) sizes[l] * sizes[l + 1];
                views[2 * l] = flat.get(NDArrayIndex.interval(off, off + nw)).reshape('c', sizes[l], sizes[l + 1]);
                off += nw;
                views[2 * l + 1] = flat.get(NDArrayIndex.interval(off, off + sizes[l + 1])).reshape('c', 1, sizes[l + 1]);
                off += sizes[l + 1];
            }
            for (INDArray v : views) {
                if (!v.isView()) {
                    throw new IllegalStateException("ND4J copied a parameter view");
                }
            }
            return new Params(flat, views);
        }
    }

    /** He-style seeded initialisation (gain for LeakyReLU; unit gain for the linear output layer), zero biases. */
    /** Layer sizes {@code [inputs, hidden..., outputs]}. */
    public static int[] layerSizes(int inputs, int[] hidden, int outputs) {
        int[] s = new int[hidden.length + 2];
        s[0] = inputs;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = outputs;
        return s;
    }

    public static Mlp init(int[] sizes, double slope, Random rng, DataType dt) {
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
        }
        return new Mlp(sizes.clone(), slope, w, b);
    }

    /** The critic of a bundle as an ND4J network (batch scoring, benchmarks, agreement tests). */
    public static Mlp critic(io.earthmover.model.ModelBundle bundle, DataType dt) {
        var a = bundle.manifest().architecture();
        return of(a.critic(), a.leakyReluSlope(), bundle.criticWeights(), bundle.criticBiases(), dt);
    }

    /** Rebuilds a network from row-major weights ({@code in x out}) and biases. */
    public static Mlp of(int[] sizes, double slope, float[][] weights, float[][] biases, DataType dt) {
        checkSizes(sizes);
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
        }
        return new Mlp(sizes.clone(), slope, w, b);
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

    /** Parameters in the order W0, b0, W1, b1, ... (the live arrays: updates write into them). */
    public INDArray[] params() {
        INDArray[] p = new INDArray[2 * w.length];
        for (int l = 0; l < w.length; l++) {
            p[2 * l] = w[l];
            p[2 * l + 1] = b[l];
        }
        return p;
    }

    /** A zeroed detached buffer shaped like {@link #params()}, for gradients. */
    public Params zerosLikeParams() {
        return allocate(sizes, dataType());
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
        return new Mlp(sizes.clone(), slope, w, b);
    }

    /** Weights of layer l as row-major float32 ({@code in x out}). */
    public float[] weightsAsFloats(int l) {
        return w[l].castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    public float[] biasAsFloats(int l) {
        return b[l].castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Activations kept for the backward passes. */
    public static final class Forward {
        /** h[l] is the input of layer l (h[0] = x). */
        final INDArray[] h;
        /** m[l] is LeakyReLU'(pre-activation) of hidden layer l (1 or slope), shared by all backward passes. */
        final INDArray[] m;
        final INDArray out;

        Forward(INDArray[] h, INDArray[] m, INDArray out) {
            this.h = h;
            this.m = m;
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
        h[0] = x;
        INDArray cur = x;
        for (int l = 0; l < layers; l++) {
            INDArray z = mm(cur, w[l], false, false).addiRowVector(b[l]);
            if (l < layers - 1) {
                // the mask once, then the activation as z * mask: cheaper than ND4J's LeakyReLU ops
                m[l] = Nd4j.exec(new LeakyReLUDerivative(z, z.ulike(), slope));
                cur = z.muli(m[l]);
                h[l + 1] = cur;
            } else {
                cur = z;
            }
        }
        return new Forward(h, m, cur);
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
        final INDArray dx;

        Backward(INDArray[] dz, INDArray dx) {
            this.dz = dz;
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
        dz[layers - 1] = dOut;
        INDArray d = dOut;
        INDArray ones = grads == null ? null : onesRow(f.rows());
        for (int l = layers - 1; l >= 0; l--) {
            if (grads != null) {
                Nd4j.gemm(f.h[l], d, grads.views()[2 * l], true, false, scale, 1.0);
                Nd4j.gemm(ones, d, grads.views()[2 * l + 1], false, false, scale, 1.0);
            }
            if (l == 0 && !needInput) {
                return new Backward(dz, null);
            }
            INDArray dh = mm(d, w[l], false, true);
            if (l > 0) {
                d = dh.muli(f.m[l - 1]);
                dz[l - 1] = d;
            } else {
                return new Backward(dz, dh);
            }
        }
        throw new AssertionError();
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
        dz[layers - 1] = dOut;
        INDArray d = dOut;
        INDArray ones = onesRow(gradRows);
        for (int l = layers - 1; l >= 0; l--) {
            INDArray dRows = d.get(NDArrayIndex.interval(0, gradRows));
            Nd4j.gemm(f.h[l].get(NDArrayIndex.interval(0, gradRows)), dRows, grads.views()[2 * l], true, false, scale, 1.0);
            Nd4j.gemm(ones, dRows, grads.views()[2 * l + 1], false, false, scale, 1.0);
            if (l == 0) {
                return new Backward(dz, mm(d.get(NDArrayIndex.interval(inputFrom, rows)), w[0], false, true));
            }
            d = mm(d, w[l], false, true).muli(f.m[l - 1]);
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
        INDArray[] m = new INDArray[f.m.length];
        for (int l = 0; l < h.length; l++) {
            h[l] = f.h[l].get(NDArrayIndex.interval(from, to));
        }
        for (int l = 0; l < m.length; l++) {
            m[l] = f.m[l].get(NDArrayIndex.interval(from, to));
        }
        return new Forward(h, m, f.out.get(NDArrayIndex.interval(from, to)));
    }

    public static Backward rows(Backward b, long from, long to, INDArray dx) {
        INDArray[] dz = new INDArray[b.dz.length];
        for (int l = 0; l < dz.length; l++) {
            dz[l] = b.dz[l].get(NDArrayIndex.interval(from, to));
        }
        return new Backward(dz, dx);
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
}
