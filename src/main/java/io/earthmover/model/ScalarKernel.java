package io.earthmover.model;

import static io.earthmover.model.DenseKernel.row;

import java.util.Arrays;

/**
 * Plain-Java kernel that HotSpot's C2 vectorises on its own (superword): the inner loops run over
 * one output row at a time, contiguous and free of aliasing doubts (see {@link PlainCritic}).
 * Always available; the fallback when the Vector API is absent or measures slower.
 */
final class ScalarKernel implements DenseKernel {
    static final ScalarKernel INSTANCE = new ScalarKernel();
    /** 2^127: the largest power of two below Float.MAX_VALUE. */
    private static final float STEP_SCALE = 0x1p127f;

    private ScalarKernel() {
    }

    @Override
    public void combineRows(float[] coef, int count, float[][] rows, float[] flat, int n, float[] init, float[] out) {
        combine(coef, null, count, rows, n, init, out);
    }

    @Override
    public void combineSelectedRows(float[] coef, int[] index, int count, float[][] rows, float[] flat, int n, float[] init,
            float[] out) {
        combine(coef, index, count, rows, n, init, out);
    }

    /** Rows {@code 0..count-1}, or {@code index[0..count-1]} where an index is given. */
    private static void combine(float[] coef, int[] index, int count, float[][] rows, int n, float[] init, float[] out) {
        if (init == null) {
            Arrays.fill(out, 0, n, 0f);
        } else {
            System.arraycopy(init, 0, out, 0, n);
        }
        // four rows per pass over out (fewer loads and stores of out), as two independent fused
        // multiply-add pairs so C2 emits vector FMAs with a short dependency chain; eight rows per
        // pass measured 3x slower (C2 stops vectorising the larger loop body)
        int i = 0;
        for (; i + 3 < count; i += 4) {
            float c0 = coef[i];
            float c1 = coef[i + 1];
            float c2 = coef[i + 2];
            float c3 = coef[i + 3];
            float[] r0 = rows[row(index, i)];
            float[] r1 = rows[row(index, i + 1)];
            float[] r2 = rows[row(index, i + 2)];
            float[] r3 = rows[row(index, i + 3)];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(c1, r1[j], Math.fma(c0, r0[j], out[j])) + Math.fma(c3, r3[j], c2 * r2[j]);
            }
        }
        for (; i < count; i++) {
            float c = coef[i];
            float[] r = rows[row(index, i)];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(c, r[j], out[j]);
            }
        }
    }

    /** Four partial sums: one serial chain of float adds is latency-bound. */
    @Override
    public float dot(float[] a, float[] b, int n) {
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

    @Override
    public void timesLeakyDerivative(float[] g, float[] z, int n, float slope) {
        timesLeakyDerivative(g, z, 0, n, slope);
    }

    /**
     * Over {@code [from, n)}, without a branch (the signs of pre-activations are random, and a
     * mispredicted branch per unit cost more than all the multiply-adds, measured 2x overall) and
     * in min/max, which C2 vectorises: {@code z * 2^127} is at least 1 for every normal positive z
     * and at most 0 for z <= 0, so {@code max(slope, min(1, z * 2^127))} is 1 or slope. Only a
     * subnormal positive z below 2^-127 (5.9e-39) gets a factor between the two.
     */
    void timesLeakyDerivative(float[] g, float[] z, int from, int n, float slope) {
        for (int j = from; j < n; j++) {
            g[j] *= Math.max(slope, Math.min(1f, z[j] * STEP_SCALE));
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
