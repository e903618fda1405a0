package io.earthmover.model;

/**
 * The critic's weights as plain float arrays, laid out for {@link FastScorer}'s loops: the
 * forward pass reads the rows of {@code w[l]} ({@code in} rows of {@code out}) and the
 * input-gradient pass the rows of the transpose {@code wt[l]} ({@code out} rows of {@code in}),
 * so both inner loops are contiguous multiply-adds. For the {@link ScalarKernel} each row is its
 * own array: with one flat array per layer and row offsets, HotSpot's C2 cannot rule out that the
 * store to the output overlaps a later weight load and does not vectorise the loop (4x slower).
 * The {@link VectorKernel} reads the flat row-major copies {@code w[l]} and {@code wt[l]}.
 * Immutable after construction and shared by all scorers.
 */
final class PlainCritic {
    final int[] sizes;
    final float slope;
    /** w[l] flat row-major (in x out): the source of truth and the single-output layer's vector. */
    final float[][] w;
    final float[][][] rows;
    final float[][][] rowsT;
    /** wt[l] flat row-major (out x in): the transpose of w[l]. */
    final float[][] wt;
    final float[][] b;
    /**
     * Without layer norm and with a hidden layer: the input gradient of the last hidden layer's input
     * as if every unit of that layer were active, {@code sum_j wLast_j W[j]} (rows of the transpose),
     * and the same times the LeakyReLU slope (as if none were). {@link LastHiddenGradient} starts from the
     * nearer of the two and adds only the units on the other side; else null.
     */
    final float[] allActive;
    final float[] noneActive;
    /** Layer norm's gain and shift of each hidden layer; empty without layer norm. */
    final float[][] gain;
    final float[][] shift;

    PlainCritic(int[] sizes, double slope, float[][] w, float[][] b) {
        this(sizes, slope, w, b, new float[0][], new float[0][]);
    }

    PlainCritic(int[] sizes, double slope, float[][] w, float[][] b, float[][] gain, float[][] shift) {
        this.sizes = sizes.clone();
        this.gain = new float[gain.length][];
        this.shift = new float[shift.length][];
        for (int k = 0; k < gain.length; k++) {
            this.gain[k] = gain[k].clone();
            this.shift[k] = shift[k].clone();
        }
        this.slope = (float) slope;
        this.w = new float[w.length][];
        this.rows = new float[w.length][][];
        this.rowsT = new float[w.length][][];
        this.wt = new float[w.length][];
        this.b = new float[b.length][];
        for (int l = 0; l < w.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            this.w[l] = w[l].clone();
            this.b[l] = b[l].clone();
            float[][] r = new float[in][out];
            float[][] t = new float[out][in];
            for (int i = 0; i < in; i++) {
                for (int j = 0; j < out; j++) {
                    r[i][j] = w[l][i * out + j];
                    t[j][i] = w[l][i * out + j];
                }
            }
            this.rows[l] = r;
            this.rowsT[l] = t;
            this.wt[l] = new float[in * out];
            for (int j = 0; j < out; j++) {
                System.arraycopy(t[j], 0, this.wt[l], j * in, in);
            }
        }
        int last = w.length - 1;
        if (last >= 1 && gain.length == 0) {
            int n = sizes[last];
            int in = sizes[last - 1];
            allActive = new float[in];
            noneActive = new float[in];
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += (double) this.w[last][j] * this.rowsT[last - 1][j][i];
                }
                allActive[i] = (float) sum;
                noneActive[i] = (float) (sum * this.slope);
            }
        } else {
            allActive = null;
            noneActive = null;
        }
    }

    boolean layerNorm() {
        return gain.length > 0;
    }

    int layers() {
        return w.length;
    }

    int inputSize() {
        return sizes[0];
    }
}
