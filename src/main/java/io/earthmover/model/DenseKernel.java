package io.earthmover.model;

/**
 * The multiply-adds of {@link FastScorer}: a dense layer and a dot product. Two implementations
 * (auto-vectorised plain Java, and the JDK Vector API when the JVM has it); {@link DenseKernels}
 * picks one per JVM at start-up.
 */
interface DenseKernel {
    /**
     * {@code out[j] = init[j] + sum_{i<count} coef[i] * W[i][j]} for {@code j < n}, with {@code init}
     * null meaning zeros. {@code W} is given twice, in the layout each implementation reads best:
     * {@code rows[i]} (one array per row) and {@code flat} (row-major, {@code count x n}).
     */
    void combineRows(float[] coef, int count, float[][] rows, float[] flat, int n, float[] init, float[] out);

    /**
     * {@code out[j] = init[j] + sum_{k<count} coef[k] * W[index[k]][j]} for {@code j < n}: only the
     * listed rows, {@code W} given as in {@link #combineRows}. {@code init} is not null.
     */
    void combineSelectedRows(float[] coef, int[] index, int count, float[][] rows, float[] flat, int n, float[] init, float[] out);

    /** The weight row of term i in a combine: i itself, or the i-th listed row where an index is given. */
    static int row(int[] index, int i) {
        return index == null ? i : index[i];
    }

    /** {@code sum_{i<n} a[i] * b[i]}. */
    float dot(float[] a, float[] b, int n);

    /** {@code g[j] *= (z[j] > 0 ? 1 : slope)} for {@code j < n}: the LeakyReLU derivative in the backward pass. */
    void timesLeakyDerivative(float[] g, float[] z, int n, float slope);

    /** Short name for logs and benchmark output. */
    String name();
}
