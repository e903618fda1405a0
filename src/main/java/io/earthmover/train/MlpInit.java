package io.earthmover.train;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * How an {@link Mlp} comes to be: layer sizes, the seeded initialisation, the rebuild from a
 * bundle's float arrays, and the layout of the flat parameter vector that all of them fill
 * (and that gradient buffers share, so an optimiser step is a handful of ND4J ops on two vectors).
 */
public final class MlpInit {
    private MlpInit() {
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
            return assemble(sizes.clone(), slope, w, b, g, s);
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
            return assemble(sizes.clone(), slope, w, b, g, s);
        }
    }

    private static void checkSizes(int[] sizes) {
        if (sizes.length < 2 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("layer sizes must be at least two positive numbers: " + Arrays.toString(sizes));
        }
    }

    /**
     * A network owning a fresh flat parameter vector with the values of {@code w}, {@code b} and
     * (with layer norm; empty without) {@code gain} and {@code shift} copied in; {@code sizes} is
     * kept, not copied.
     */
    static Mlp assemble(int[] sizes, double slope, INDArray[] w, INDArray[] b, INDArray[] gain, INDArray[] shift) {
        Mlp.Params p = allocate(sizes, gain.length > 0, w[0].dataType());
        INDArray[] views = p.views();
        int layers = w.length;
        INDArray[] pw = new INDArray[layers];
        INDArray[] pb = new INDArray[layers];
        INDArray[] pg = new INDArray[gain.length];
        INDArray[] ps = new INDArray[gain.length];
        for (int l = 0; l < layers; l++) {
            views[2 * l].assign(w[l]);
            views[2 * l + 1].assign(b[l]);
            pw[l] = views[2 * l];
            pb[l] = views[2 * l + 1];
        }
        for (int k = 0; k < gain.length; k++) {
            views[gainIndex(layers, k)].assign(gain[k]);
            views[gainIndex(layers, k) + 1].assign(shift[k]);
            pg[k] = views[gainIndex(layers, k)];
            ps[k] = views[gainIndex(layers, k) + 1];
        }
        return new Mlp(sizes, slope, p.flat(), pw, pb, pg, ps);
    }

    /** Index of hidden layer k's gain in {@link Mlp.Params#views()} (its shift follows): after all weights and biases. */
    static int gainIndex(int layers, int k) {
        return 2 * layers + 2 * k;
    }

    /** A zeroed flat buffer, detached from workspaces, and its views in the layout of {@link Mlp.Params}. */
    static Mlp.Params allocate(int[] sizes, boolean layerNorm, DataType dt) {
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
            return new Mlp.Params(flat, views);
        }
    }
}
