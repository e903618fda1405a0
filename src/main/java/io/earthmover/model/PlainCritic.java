package io.earthmover.model;

/**
 * The critic's weights as plain float arrays, laid out for {@link FastScorer}'s loops: the
 * forward pass reads {@code w[l]} row-major {@code in x out} and the input-gradient pass reads
 * the transpose {@code wt[l]} ({@code out x in}), so both inner loops are contiguous
 * multiply-adds the JIT vectorises. Immutable after construction and shared by all scorers.
 */
final class PlainCritic {
    final int[] sizes;
    final float slope;
    final float[][] w;
    final float[][] wt;
    final float[][] b;

    PlainCritic(int[] sizes, double slope, float[][] w, float[][] b) {
        this.sizes = sizes.clone();
        this.slope = (float) slope;
        this.w = new float[w.length][];
        this.wt = new float[w.length][];
        this.b = new float[b.length][];
        for (int l = 0; l < w.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            this.w[l] = w[l].clone();
            this.b[l] = b[l].clone();
            float[] t = new float[in * out];
            for (int i = 0; i < in; i++) {
                for (int j = 0; j < out; j++) {
                    t[j * in + i] = w[l][i * out + j];
                }
            }
            this.wt[l] = t;
        }
    }

    int layers() {
        return w.length;
    }

    int inputSize() {
        return sizes[0];
    }
}
