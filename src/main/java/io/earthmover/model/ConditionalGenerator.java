package io.earthmover.model;

import io.earthmover.model.InvalidModelException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bundle codec of a conditional model's generator ({@code train.conditional}, format 6): its
 * weights follow the critic's (and layer norm's) in {@code weights.bin}, per layer W row-major
 * ({@code in x out}) then b, as the critic's; the manifest's {@code conditional} block
 * ({@link ModelManifest.Conditional}) describes it and is checked against the model's features,
 * window and the weights' length before anything is read.
 */
public final class ConditionalGenerator {
    /** First bundle format that may hold a conditional generator. */
    static final int FORMAT_VERSION = 6;

    private ConditionalGenerator() {
    }

    /** The generator's weights and biases, per layer. */
    public record Weights(float[][] weights, float[][] biases) {
        int floats() {
            int n = 0;
            for (int l = 0; l < weights.length; l++) {
                n += weights[l].length + biases[l].length;
            }
            return n;
        }

        void write(ByteBuffer buf) {
            for (int l = 0; l < weights.length; l++) {
                for (float v : weights[l]) {
                    buf.putFloat(v);
                }
                for (float v : biases[l]) {
                    buf.putFloat(v);
                }
            }
        }

        Weights copy() {
            return new Weights(deepCopy(weights), deepCopy(biases));
        }
    }

    /**
     * Checks the manifest's conditional block against the model: present only in format 6 or
     * later, not with an encoder, window at least 2, context and output sizes those of the
     * features and window, and the generator's sizes chaining from context + latent to the outputs.
     */
    static void check(ModelManifest m, int features, int inputSize) throws InvalidModelException {
        ModelManifest.Conditional c = m.conditional();
        if (c == null) {
            return;
        }
        if (m.formatVersion() < FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "a conditional generator needs bundle format " + FORMAT_VERSION
                    + " or later; this bundle says format " + m.formatVersion());
        }
        if (m.architecture().hasEncoder() || m.reconstruction() != null) {
            throw new InvalidModelException(Reason.FORMAT, "the manifest has both a conditional generator and an encoder");
        }
        if (m.window() < 2) {
            throw new InvalidModelException(Reason.SHAPE, "a conditional generator needs a window of at least 2; the bundle"
                    + " says " + m.window());
        }
        ConditionalLayout layout = new ConditionalLayout(features, m.window(), m.differences());
        int[] g = c.generator();
        if (g == null || g.length < 2 || Arrays.stream(g).anyMatch(x -> x < 1)) {
            throw new InvalidModelException(Reason.SHAPE, "conditional generator sizes " + Arrays.toString(g)
                    + " must be at least two positive layer sizes");
        }
        if (layout.inputSize() != inputSize || c.contextSize() != layout.contextSize() || c.outputs() != features
                || c.latentSize() < 1 || g[0] != c.contextSize() + c.latentSize() || g[g.length - 1] != features) {
            throw new InvalidModelException(Reason.SHAPE, "conditional generator " + Arrays.toString(g) + " with context "
                    + c.contextSize() + ", latent " + c.latentSize() + " and " + c.outputs() + " outputs does not fit "
                    + features + " features x window " + m.window() + (m.differences() ? " with differences" : "")
                    + ": it needs context " + layout.contextSize() + ", input context + latent and " + features + " outputs");
        }
    }

    /** The generator's weight and bias count (0 without a conditional block). */
    static long parameters(ModelManifest m) {
        ModelManifest.Conditional c = m.conditional();
        if (c == null) {
            return 0;
        }
        int[] s = c.generator();
        long n = 0;
        for (int l = 0; l + 1 < s.length; l++) {
            n += (long) s[l] * s[l + 1] + s[l + 1];
        }
        return n;
    }

    /** Reads the generator's weights (after {@link #check}), or null without a conditional block. */
    static Weights read(ByteBuffer buf, ModelManifest m) throws InvalidModelException {
        ModelManifest.Conditional c = m.conditional();
        if (c == null) {
            return null;
        }
        int[] s = c.generator();
        float[][] w = new float[s.length - 1][];
        float[][] b = new float[s.length - 1][];
        for (int l = 0; l < w.length; l++) {
            w[l] = floats(buf, s[l] * s[l + 1], l);
            b[l] = floats(buf, s[l + 1], l);
        }
        return new Weights(w, b);
    }

    /** The weights must have the block's shapes (checked when a bundle is created, before anything is written). */
    static void checkShapes(ModelManifest m, Weights w) throws InvalidModelException {
        ModelManifest.Conditional c = m.conditional();
        if ((c == null) != (w == null)) {
            throw new InvalidModelException(Reason.FORMAT, c == null ? "conditional generator weights without a conditional"
                    + " block in the manifest" : "the manifest has a conditional block but no generator weights");
        }
        if (c == null) {
            return;
        }
        int[] s = c.generator();
        boolean ok = s != null && w.weights().length == s.length - 1 && w.biases().length == s.length - 1;
        for (int l = 0; ok && l + 1 < s.length; l++) {
            ok = w.weights()[l].length == s[l] * s[l + 1] && w.biases()[l].length == s[l + 1];
        }
        if (!ok) {
            throw new InvalidModelException(Reason.SHAPE, "conditional generator weights do not have the shapes of "
                    + Arrays.toString(s));
        }
    }

    private static float[] floats(ByteBuffer buf, int n, int layer) throws InvalidModelException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = buf.getFloat();
            if (!Float.isFinite(v[i])) {
                throw new InvalidModelException(Reason.NON_FINITE, "conditional generator layer " + layer
                        + " has a non-finite weight");
            }
        }
        return v;
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
