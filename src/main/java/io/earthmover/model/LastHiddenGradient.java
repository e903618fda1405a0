package io.earthmover.model;

/**
 * The input gradient through a critic's last hidden layer (no layer norm), for {@link FastScorer}:
 * {@code sum_j wLast_j s_j W[j]} over the rows of that layer's transposed weights, with {@code s_j} 1
 * for an active unit ({@code z_j > 0}) and the LeakyReLU slope otherwise. The value with every unit
 * active and with none is fixed per model ({@link PlainCritic#allActive}, {@link PlainCritic#noneActive}),
 * so only the rows of the units on the minority side are read: {@code allActive - (1 - slope)
 * sum_{inactive} wLast_j W[j]} or {@code noneActive + (1 - slope) sum_{active} wLast_j W[j]}, at most
 * half of that layer's multiply-adds (a third of the reference critic 32-128-128-1's work with
 * attribution). Exact up to float rounding.
 *
 * <p>Not thread-safe: scratch buffers, one instance per {@link FastScorer}.
 */
final class LastHiddenGradient {
    private final PlainCritic net;
    private final DenseKernel kernel;
    private final int units;
    private final long[] activeBits;
    private final int[] rows;
    private final float[] coef;

    LastHiddenGradient(PlainCritic net, DenseKernel kernel) {
        if (net.allActive == null) {
            throw new IllegalArgumentException("needs a hidden layer and no layer norm");
        }
        this.net = net;
        this.kernel = kernel;
        this.units = net.sizes[net.layers() - 1];
        this.activeBits = new long[(units + 63) >>> 6];
        this.rows = new int[units];
        this.coef = new float[units];
    }

    /** The gradient with respect to the last hidden layer's input into {@code u}, from its pre-activations {@code z}. */
    void into(float[] z, float[] u) {
        boolean listActive = 2 * markActive(z) <= units;
        int count = listMinority(listActive);
        int last = net.layers() - 1;
        kernel.combineSelectedRows(coef, rows, count, net.rowsT[last - 1], net.wt[last - 1], net.sizes[last - 1],
                listActive ? net.noneActive : net.allActive, u);
    }

    /**
     * The active units into a bit set, without a branch: signs are random, so a branch per unit would
     * be mispredicted half the time, which costs more than the unit's row of multiply-adds (a first
     * version with one measured slower than reading every row). Returns how many are active.
     */
    private int markActive(float[] z) {
        int active = 0;
        for (int w = 0; w < activeBits.length; w++) {
            long word = 0;
            int end = Math.min(units, (w + 1) << 6);
            for (int j = w << 6; j < end; j++) {
                word |= (long) isActive(z[j]) << (j & 63);
            }
            activeBits[w] = word;
            active += Long.bitCount(word);
        }
        return active;
    }

    /** The active (or inactive) units' rows and coefficients, a set bit at a time; returns how many. */
    private int listMinority(boolean listActive) {
        float factor = listActive ? 1f - net.slope : net.slope - 1f;
        float[] wLast = net.w[net.layers() - 1];
        int count = 0;
        for (int w = 0; w < activeBits.length; w++) {
            long word = activeBits[w];
            if (!listActive) {
                int bits = Math.min(units, (w + 1) << 6) - (w << 6);
                word = ~word & (bits == 64 ? -1L : (1L << bits) - 1);
            }
            while (word != 0) {
                int j = (w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                rows[count] = j;
                coef[count++] = factor * wLast[j];
            }
        }
        return count;
    }

    /** 1 if {@code z > 0} (positive, not zero), else 0: the sign of {@code -bits} as a long. */
    private static int isActive(float z) {
        return (int) (-(long) Float.floatToRawIntBits(z) >>> 63);
    }
}
