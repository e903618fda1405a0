package io.earthmover.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The input gradient of a scalar-output {@link Mlp} (alone, or fused into a parameter backward
 * pass) and its backward pass ("backward of the backward"), which the WGAN-GP penalty needs and
 * SameDiff cannot derive. The input gradient is the network's backward pass for {@code dOut = 1}.
 * Because LeakyReLU' is piecewise constant, the input gradient is linear in the weights between
 * kinks, so its backward is a second chain of matrix products and the biases get no penalty
 * gradient (almost everywhere). Layer norm makes it nonlinear: its penalty gradient is the
 * forward-mode derivative (R-operator) of the parameter backward pass in the direction of the
 * penalty's input-gradient weights, see {@link #backward}.
 *
 * <p>Static: the state is the network's, and so is the thread confinement (it uses the network's
 * cached row of ones). Computes in the network's data type.
 */
public final class InputGradientPass {
    private InputGradientPass() {
    }

    /** Input gradient of a scalar-output network, one row per sample: d out_i / d x_i. */
    public static Mlp.Backward inputGradient(Mlp net, Mlp.Forward f) {
        int[] sizes = net.sizes();
        if (sizes[sizes.length - 1] != 1) {
            throw new IllegalStateException("input gradient needs a single output");
        }
        INDArray ones = Nd4j.ones(net.dataType(), f.rows(), 1);
        return net.backward(f, ones, null, 1.0);
    }

    /**
     * The input-gradient pass fused into a parameter backward pass: one backward pass over all rows
     * of {@code f} for upstream {@code dOut}, with the parameter gradients taken from rows
     * {@code [0, gradRows)} only and the input gradient computed for rows {@code [inputFrom, rows)}
     * only. The WGAN-GP critic step uses it to run the Wasserstein backward (real and fake rows) and
     * the input-gradient pass (interpolate rows, dOut = 1) as one set of matrix products.
     */
    public static Mlp.Backward fused(Mlp net, Mlp.Forward f, INDArray dOut, Mlp.Params grads, double scale, long gradRows,
            long inputFrom) {
        int layers = net.layers();
        long rows = f.rows();
        INDArray[] dz = new INDArray[layers];
        INDArray[] du = new INDArray[layers - 1];
        dz[layers - 1] = dOut;
        INDArray d = dOut;
        INDArray ones = net.onesRow(gradRows);
        for (int l = layers - 1; l >= 0; l--) {
            INDArray dRows = d.get(NDArrayIndex.interval(0, gradRows));
            Nd4j.gemm(f.h[l].get(NDArrayIndex.interval(0, gradRows)), dRows, grads.views()[2 * l], true, false, scale, 1.0);
            Nd4j.gemm(ones, dRows, grads.views()[2 * l + 1], false, false, scale, 1.0);
            if (l == 0) {
                INDArray dx = Mlp.mm(d.get(NDArrayIndex.interval(inputFrom, rows)), net.weight(0), false, true);
                return new Mlp.Backward(dz, du, dx);
            }
            d = net.hiddenBackward(f, l - 1, Mlp.mm(d, net.weight(l), false, true), du, grads, scale, gradRows);
            dz[l - 1] = d;
        }
        throw new AssertionError();
    }

    /**
     * Backward of the input gradient: given {@code gBar = dP/dg} for the rows' input gradients
     * {@code g} (from {@link #inputGradient}, or the input-gradient rows of a {@link #fused} pass,
     * see {@link #rows}), adds {@code scale * dP/dW} into {@code grads}.
     * Without layer norm the bias gradients are zero (see the class comment) and left unchanged;
     * with it, see {@code backwardWithLayerNorm}.
     */
    public static void backward(Mlp net, Mlp.Forward f, Mlp.Backward ig, INDArray gBar, Mlp.Params params, double scale) {
        if (net.layerNorm()) {
            backwardWithLayerNorm(net, f, ig, gBar, params, scale);
            return;
        }
        INDArray[] grads = params.views();
        int layers = net.layers();
        // g = dz[0] W0^T
        Nd4j.gemm(gBar, ig.dz[0], grads[0], true, false, scale, 1.0);
        INDArray dzBar = Mlp.mm(gBar, net.weight(0), false, false);
        for (int l = 1; l < layers; l++) {
            // dz[l-1] = mask[l-1] * dh[l],  dh[l] = dz[l] W[l]^T
            INDArray dhBar = dzBar.muli(f.m[l - 1]);
            Nd4j.gemm(dhBar, ig.dz[l], grads[2 * l], true, false, scale, 1.0);
            if (l < layers - 1) {
                dzBar = Mlp.mm(dhBar, net.weight(l), false, false);
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
    private static void backwardWithLayerNorm(Mlp net, Mlp.Forward f, Mlp.Backward ig, INDArray gBar, Mlp.Params params,
            double scale) {
        INDArray[] grads = params.views();
        int layers = net.layers();
        long rows = gBar.rows();
        INDArray[] hd = new INDArray[layers];
        INDArray[] nd = new INDArray[layers - 1];
        INDArray[] s = new INDArray[layers - 1];
        hd[0] = gBar;
        for (int k = 0; k < layers - 1; k++) {
            INDArray zd = Mlp.mm(hd[k], net.weight(k), false, false);
            s[k] = Mlp.rowMean(zd.mul(f.n[k]));
            nd[k] = zd.subColumnVector(Mlp.rowMean(zd)).subi(f.n[k].mulColumnVector(s[k])).muliColumnVector(f.inv[k]);
            hd[k + 1] = nd[k].mulRowVector(net.gain(k)).muli(f.m[k]);
        }
        INDArray ones = net.onesRow(rows);
        // output layer: dz = dOut (constant), so only grad W gets hd^T dz
        Nd4j.gemm(hd[layers - 1], ig.dz[layers - 1], grads[2 * (layers - 1)], true, false, scale, 1.0);
        INDArray dhd = null; // the tangent of dL/dh at the output of the layer below: zero above the last hidden layer
        for (int k = layers - 2; k >= 0; k--) {
            INDArray du = ig.du[k];
            INDArray dz = ig.dz[k];
            INDArray n = f.n[k];
            INDArray dud = dhd == null ? du.ulike().assign(0) : dhd.muli(f.m[k]);
            Nd4j.gemm(ones, dud.mul(n).addi(du.mul(nd[k])), grads[MlpInit.gainIndex(layers, k)], false, false, scale, 1.0);
            Nd4j.gemm(ones, dud, grads[MlpInit.gainIndex(layers, k) + 1], false, false, scale, 1.0);
            INDArray dnd = dud.mulRowVector(net.gain(k));
            INDArray dn = du.mulRowVector(net.gain(k));
            INDArray r = Mlp.rowMean(dn.mul(n));
            INDArray rd = Mlp.rowMean(dnd.mul(n).addi(dn.mul(nd[k])));
            INDArray dzd = dnd.subColumnVector(Mlp.rowMean(dnd)).subi(nd[k].mulColumnVector(r)).subi(n.mulColumnVector(rd))
                    .muliColumnVector(f.inv[k]).subi(dz.mulColumnVector(s[k]).muliColumnVector(f.inv[k]));
            Nd4j.gemm(hd[k], dz, grads[2 * k], true, false, scale, 1.0);
            Nd4j.gemm(f.h[k], dzd, grads[2 * k], true, false, scale, 1.0);
            Nd4j.gemm(ones, dzd, grads[2 * k + 1], false, false, scale, 1.0);
            if (k > 0) {
                dhd = Mlp.mm(dzd, net.weight(k), false, true);
            }
        }
    }

    /**
     * The rows {@code [from, to)} of a forward pass, as views: the penalty is taken on the
     * interpolate rows of a pass over stacked real, fake and interpolate rows.
     */
    public static Mlp.Forward rows(Mlp.Forward f, long from, long to) {
        INDArray[] h = new INDArray[f.h.length];
        for (int l = 0; l < h.length; l++) {
            h[l] = f.h[l].get(NDArrayIndex.interval(from, to));
        }
        return new Mlp.Forward(h, slice(f.m, from, to), slice(f.n, from, to), slice(f.inv, from, to),
                f.out.get(NDArrayIndex.interval(from, to)));
    }

    /** The rows {@code [from, to)} of a backward pass, as views, with {@code dx} their input gradient. */
    public static Mlp.Backward rows(Mlp.Backward b, long from, long to, INDArray dx) {
        return new Mlp.Backward(slice(b.dz, from, to), slice(b.du, from, to), dx);
    }

    private static INDArray[] slice(INDArray[] a, long from, long to) {
        INDArray[] s = new INDArray[a.length];
        for (int l = 0; l < a.length; l++) {
            s[l] = a[l] == null ? null : a[l].get(NDArrayIndex.interval(from, to));
        }
        return s;
    }
}
