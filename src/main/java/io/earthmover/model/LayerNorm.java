package io.earthmover.model;

/**
 * Layer norm of one critic layer in plain Java (Ba et al. 2016): over the layer's units,
 * {@code u = gain * (z - mean z) / sqrt(var z + EPSILON) + shift}, and its backward pass. The
 * trainer's ND4J network computes the same with the same {@link #EPSILON}; both are fixed by
 * the bundle format (version 3), so a bundle needs no field for it.
 */
public final class LayerNorm {
    /** Added to the variance before the square root, so a layer whose units are all equal stays finite. */
    public static final double EPSILON = 1e-5;

    private LayerNorm() {
    }

    /**
     * Normalises {@code z[0, n)} in place into {@code u} (so the activation and its derivative read
     * {@code z} as before), keeping the normalised values in {@code norm}; returns 1/sigma.
     */
    static float forward(float[] z, int n, float[] gain, float[] shift, float[] norm) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += z[j];
        }
        double mean = sum / n;
        double sq = 0;
        for (int j = 0; j < n; j++) {
            double c = z[j] - mean;
            sq += c * c;
        }
        float inv = (float) (1 / Math.sqrt(sq / n + EPSILON));
        float m = (float) mean;
        for (int j = 0; j < n; j++) {
            float v = (z[j] - m) * inv;
            norm[j] = v;
            z[j] = Math.fma(gain[j], v, shift[j]);
        }
        return inv;
    }

    /**
     * From {@code d = dD/du} to {@code dD/dz} in place: {@code dn = d * gain},
     * {@code dz = inv * (dn - mean dn - norm * mean(dn * norm))}.
     */
    static void backward(float[] d, int n, float[] gain, float[] norm, float inv) {
        double s1 = 0;
        double s2 = 0;
        for (int j = 0; j < n; j++) {
            double dn = (double) d[j] * gain[j];
            s1 += dn;
            s2 += dn * norm[j];
        }
        float m1 = (float) (s1 / n);
        float m2 = (float) (s2 / n);
        for (int j = 0; j < n; j++) {
            d[j] = inv * (d[j] * gain[j] - m1 - norm[j] * m2);
        }
    }
}
