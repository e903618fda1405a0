package io.earthmover.train;

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
 * {@link io.earthmover.model.LayerNorm#EPSILON}) before the activation.
 *
 * <p>This class is the network: its parameters, the forward pass and the backward pass.
 * {@link MlpInit} creates networks and lays out their flat parameter vector;
 * {@link InputGradientPass} has the input-gradient pass and its backward, which the WGAN-GP
 * penalty needs (the package-private helpers here are shared with it).
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

    /** Takes ownership of the parameter views {@code w}, {@code b}, {@code gain} and {@code shift} of {@code flat}. */
    Mlp(int[] sizes, double slope, INDArray flat, INDArray[] w, INDArray[] b, INDArray[] gain, INDArray[] shift) {
        this.sizes = sizes;
        this.slope = slope;
        this.layerNorm = gain.length > 0;
        this.flat = flat;
        this.w = w;
        this.b = b;
        this.gain = gain;
        this.shift = shift;
    }

    /**
     * A flat parameter-shaped buffer and its per-layer views in the order W0, b0, W1, b1, ...,
     * then (with layer norm) gain0, shift0, gain1, shift1, ... of the hidden layers. Writing a view
     * writes the flat vector. {@code MlpInit.allocate} lays it out.
     */
    public record Params(INDArray flat, INDArray[] views) {
        public void zero() {
            flat.assign(0);
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
            p[MlpInit.gainIndex(w.length, k)] = gain[k];
            p[MlpInit.gainIndex(w.length, k) + 1] = shift[k];
        }
        return p;
    }

    /** A zeroed detached buffer shaped like {@link #params()}, for gradients. */
    public Params zerosLikeParams() {
        return MlpInit.allocate(sizes, layerNorm, dataType());
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
        return MlpInit.assemble(sizes.clone(), slope, w, b, gain, shift);
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
    static INDArray rowMean(INDArray a) {
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
        Nd4j.gemm(ones, duRows.mul(nRows), grads.views()[MlpInit.gainIndex(w.length, k)], false, false, scale, 1.0);
        Nd4j.gemm(ones, duRows, grads.views()[MlpInit.gainIndex(w.length, k) + 1], false, false, scale, 1.0);
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

    /** Gradients at each layer's output (pre-activation), dz[layers-1] = dOut, kept for {@link InputGradientPass#backward}. */
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
    INDArray hiddenBackward(Forward f, int k, INDArray dh, INDArray[] du, Params grads, double scale, long gradRows) {
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

    /** {@code 1 x n} ones, a view of a cached array grown as needed (saves an allocation and a fill per step). */
    INDArray onesRow(long n) {
        if (ones == null || ones.columns() < n) {
            try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(dataType(), 1, n);
            }
        }
        return ones.columns() == n ? ones : ones.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, n));
    }
}
