package io.earthmover.model;

import static io.earthmover.model.DenseKernel.row;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The JDK Vector API kernel ({@code jdk.incubator.vector}, JDK 17). Loaded only through
 * {@link DenseKernels} and only when the JVM resolved that module (started with
 * {@code --add-modules jdk.incubator.vector}, as the container image is): a plain
 * {@code java -jar} cannot resolve an incubator module, and then the {@link ScalarKernel} serves.
 *
 * <p>A layer is register-blocked: eight vectors of outputs stay in registers while every input
 * row is multiplied in, so each weight is loaded once and no output is stored until the end
 * (the scalar kernel loads and stores its outputs once per four rows). Fewer outputs than that
 * go one vector at a time with four partial sums over the rows; outputs past the last whole
 * vector are summed in plain Java: masked loads are not intrinsified on every JDK 17 CPU.
 */
final class VectorKernel implements DenseKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void combineRows(float[] coef, int count, float[][] rows, float[] flat, int n, float[] init, float[] out) {
        combine(coef, null, count, flat, n, init, out);
    }

    @Override
    public void combineSelectedRows(float[] coef, int[] index, int count, float[][] rows, float[] flat, int n, float[] init,
            float[] out) {
        combine(coef, index, count, flat, n, init, out);
    }

    /** Rows {@code 0..count-1}, or {@code index[0..count-1]} where an index is given. */
    private static void combine(float[] coef, int[] index, int count, float[] flat, int n, float[] init, float[] out) {
        int j = 0;
        for (; j + 8 * L <= n; j += 8 * L) {
            eightVectors(coef, index, count, flat, n, init, out, j);
        }
        for (; j + 2 * L <= n; j += 2 * L) {
            twoVectors(coef, index, count, flat, n, init, out, j);
        }
        for (; j + L <= n; j += L) {
            oneVector(coef, index, count, flat, n, init, out, j);
        }
        for (; j < n; j++) {
            float s = init == null ? 0f : init[j];
            for (int i = 0; i < count; i++) {
                s = Math.fma(coef[i], flat[row(index, i) * n + j], s);
            }
            out[j] = s;
        }
    }

    /** Outputs {@code [j, j + L)}: four partial sums over the rows, else one chain of dependent FMAs. */
    private static void oneVector(float[] coef, int[] index, int count, float[] flat, int n, float[] init, float[] out, int j) {
        FloatVector a0 = start(init, j);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        for (; i + 3 < count; i += 4) {
            a0 = FloatVector.fromArray(S, flat, row(index, i) * n + j).fma(FloatVector.broadcast(S, coef[i]), a0);
            a1 = FloatVector.fromArray(S, flat, row(index, i + 1) * n + j).fma(FloatVector.broadcast(S, coef[i + 1]), a1);
            a2 = FloatVector.fromArray(S, flat, row(index, i + 2) * n + j).fma(FloatVector.broadcast(S, coef[i + 2]), a2);
            a3 = FloatVector.fromArray(S, flat, row(index, i + 3) * n + j).fma(FloatVector.broadcast(S, coef[i + 3]), a3);
        }
        for (; i < count; i++) {
            a0 = FloatVector.fromArray(S, flat, row(index, i) * n + j).fma(FloatVector.broadcast(S, coef[i]), a0);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(out, j);
    }

    /**
     * Outputs {@code [j, j + 2L)} (the input gradient of a 32-input critic on 512-bit vectors): each
     * weight row read once for both vectors, four partial sums each over the rows.
     */
    private static void twoVectors(float[] coef, int[] index, int count, float[] flat, int n, float[] init, float[] out, int j) {
        FloatVector a0 = start(init, j);
        FloatVector b0 = start(init, j + L);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector b1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector b2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        FloatVector b3 = FloatVector.zero(S);
        int i = 0;
        for (; i + 3 < count; i += 4) {
            int o0 = row(index, i) * n + j;
            int o1 = row(index, i + 1) * n + j;
            int o2 = row(index, i + 2) * n + j;
            int o3 = row(index, i + 3) * n + j;
            FloatVector c0 = FloatVector.broadcast(S, coef[i]);
            FloatVector c1 = FloatVector.broadcast(S, coef[i + 1]);
            FloatVector c2 = FloatVector.broadcast(S, coef[i + 2]);
            FloatVector c3 = FloatVector.broadcast(S, coef[i + 3]);
            a0 = FloatVector.fromArray(S, flat, o0).fma(c0, a0);
            b0 = FloatVector.fromArray(S, flat, o0 + L).fma(c0, b0);
            a1 = FloatVector.fromArray(S, flat, o1).fma(c1, a1);
            b1 = FloatVector.fromArray(S, flat, o1 + L).fma(c1, b1);
            a2 = FloatVector.fromArray(S, flat, o2).fma(c2, a2);
            b2 = FloatVector.fromArray(S, flat, o2 + L).fma(c2, b2);
            a3 = FloatVector.fromArray(S, flat, o3).fma(c3, a3);
            b3 = FloatVector.fromArray(S, flat, o3 + L).fma(c3, b3);
        }
        for (; i < count; i++) {
            int o = row(index, i) * n + j;
            FloatVector c = FloatVector.broadcast(S, coef[i]);
            a0 = FloatVector.fromArray(S, flat, o).fma(c, a0);
            b0 = FloatVector.fromArray(S, flat, o + L).fma(c, b0);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(out, j);
        b0.add(b1).add(b2.add(b3)).intoArray(out, j + L);
    }

    /** Outputs {@code [j, j + 8L)}: eight accumulators hide the FMA latency (measured 1.6x four on 128x128). */
    private static void eightVectors(float[] coef, int[] index, int count, float[] flat, int n, float[] init, float[] out, int j) {
        FloatVector a0 = start(init, j);
        FloatVector a1 = start(init, j + L);
        FloatVector a2 = start(init, j + 2 * L);
        FloatVector a3 = start(init, j + 3 * L);
        FloatVector a4 = start(init, j + 4 * L);
        FloatVector a5 = start(init, j + 5 * L);
        FloatVector a6 = start(init, j + 6 * L);
        FloatVector a7 = start(init, j + 7 * L);
        for (int i = 0; i < count; i++) {
            int o = row(index, i) * n + j;
            FloatVector c = FloatVector.broadcast(S, coef[i]);
            a0 = FloatVector.fromArray(S, flat, o).fma(c, a0);
            a1 = FloatVector.fromArray(S, flat, o + L).fma(c, a1);
            a2 = FloatVector.fromArray(S, flat, o + 2 * L).fma(c, a2);
            a3 = FloatVector.fromArray(S, flat, o + 3 * L).fma(c, a3);
            a4 = FloatVector.fromArray(S, flat, o + 4 * L).fma(c, a4);
            a5 = FloatVector.fromArray(S, flat, o + 5 * L).fma(c, a5);
            a6 = FloatVector.fromArray(S, flat, o + 6 * L).fma(c, a6);
            a7 = FloatVector.fromArray(S, flat, o + 7 * L).fma(c, a7);
        }
        a0.intoArray(out, j);
        a1.intoArray(out, j + L);
        a2.intoArray(out, j + 2 * L);
        a3.intoArray(out, j + 3 * L);
        a4.intoArray(out, j + 4 * L);
        a5.intoArray(out, j + 5 * L);
        a6.intoArray(out, j + 6 * L);
        a7.intoArray(out, j + 7 * L);
    }

    private static FloatVector start(float[] init, int j) {
        return init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, j);
    }

    @Override
    public float dot(float[] a, float[] b, int n) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            s0 = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, i), s0);
            s1 = FloatVector.fromArray(S, a, i + L).fma(FloatVector.fromArray(S, b, i + L), s1);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s = Math.fma(a[i], b[i], s);
        }
        return s;
    }

    @Override
    public void timesLeakyDerivative(float[] g, float[] z, int n, float slope) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector neg = FloatVector.broadcast(S, slope);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector zj = FloatVector.fromArray(S, z, j);
            FloatVector m = neg.blend(one, zj.compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(S, g, j).mul(m).intoArray(g, j);
        }
        ScalarKernel.INSTANCE.timesLeakyDerivative(g, z, j, n, slope);
    }

    @Override
    public String name() {
        return "vector-api(" + S.vectorBitSize() + " bit)";
    }
}
