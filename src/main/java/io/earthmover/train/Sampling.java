package io.earthmover.train;

import java.util.Random;

/** The trainer's random draws, all from one seeded {@link Random} so a seed fixes the weights. */
public final class Sampling {
    /** Half of the box auxiliary negatives are drawn from, in normalised units: beyond almost all normal data. */
    static final float AUX_BOX = 8f;

    private Sampling() {
    }

    static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static void gaussian(float[] buf, Random rng) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = (float) rng.nextGaussian();
        }
    }

    static void uniform(float[] buf, Random rng) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = rng.nextFloat();
        }
    }

    /**
     * Auxiliary negatives: alternately a real row of this batch plus Gaussian noise (near the data)
     * and a uniform point in [-AUX_BOX, AUX_BOX]^d (far from it).
     */
    public static void auxiliary(float[] out, int rows, float[] real, int batch, int d, double noise, Random rng) {
        for (int i = 0; i < rows; i++) {
            if (i % 2 == 0) {
                int src = rng.nextInt(batch) * d;
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = real[src + j] + (float) (noise * rng.nextGaussian());
                }
            } else {
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = (float) ((2 * rng.nextDouble() - 1) * AUX_BOX);
                }
            }
        }
    }

    /** Cycles through the training inputs in seeded random order, reshuffling after each pass. */
    static final class BatchSampler {
        private final float[][] data;
        private final int d;
        private final Random rng;
        private int[] order;
        private int pos;

        BatchSampler(float[][] data, int d, Random rng) {
            this.data = data;
            this.d = d;
            this.rng = rng;
            this.order = permutation(data.length, rng);
        }

        void next(float[] out, int batch) {
            for (int i = 0; i < batch; i++) {
                if (pos == order.length) {
                    order = permutation(data.length, rng);
                    pos = 0;
                }
                System.arraycopy(data[order[pos++]], 0, out, i * d, d);
            }
        }
    }
}
