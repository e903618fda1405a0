package io.earthmover.model;

/**
 * Where a conditional model's newest step sits in a critic input, and how a candidate newest
 * step is put in its place. With {@code n} features and window {@code w} the critic input is the
 * {@code w} normalised vectors oldest first and, with differences, the {@code w} first differences
 * in the same order. The <b>context</b> is the input without the newest record's value slots
 * {@code [(w-1)n, wn)} and, with differences, without the newest difference slots
 * {@code [(2w-1)n, 2wn)}: the older values first, then the older differences. A candidate newest
 * step {@code g} (normalised values) is <b>assembled</b> into a copy of the input: value slots
 * {@code := g}, difference slots {@code := diff + (g - value)}. In normalised units the newest
 * difference is {@code v_t - v_{t-1}}, so the assembled difference is exactly {@code g - v_{t-1}}:
 * the assembled input is the critic input the record would have had, had its values been {@code g}.
 * Immutable; shared by the trainer (its column ranges) and the scorer.
 */
public final class ConditionalLayout {
    private final int features;
    private final int window;
    private final boolean differences;

    public ConditionalLayout(int features, int window, boolean differences) {
        if (features < 1 || window < 2) {
            throw new IllegalArgumentException("a conditional model needs at least one feature and a window of at least 2"
                    + " (features " + features + ", window " + window + ")");
        }
        this.features = features;
        this.window = window;
        this.differences = differences;
    }

    public int features() {
        return features;
    }

    public int window() {
        return window;
    }

    public boolean differences() {
        return differences;
    }

    /** The layout of a critic input of {@code inputSize} values with this window and differences setting. */
    public static ConditionalLayout of(int inputSize, int window, boolean differences) {
        int per = (differences ? 2 : 1) * window;
        if (inputSize % per != 0) {
            throw new IllegalArgumentException("input size " + inputSize + " is not a multiple of " + per);
        }
        return new ConditionalLayout(inputSize / per, window, differences);
    }

    /** Critic input size. */
    public int inputSize() {
        return (differences ? 2 : 1) * window * features;
    }

    /** Inputs the generator is conditioned on: every input but the newest step's. */
    public int contextSize() {
        return inputSize() - (differences ? 2 : 1) * features;
    }

    /** First input of the newest record's values. */
    public int valueStart() {
        return (window - 1) * features;
    }

    /** First input of the newest record's differences, or -1 without differences. */
    public int differenceStart() {
        return differences ? (2 * window - 1) * features : -1;
    }

    /** Copies the context of critic input {@code x} into {@code out[0, contextSize())}. */
    public void context(float[] x, float[] out) {
        int v = valueStart();
        System.arraycopy(x, 0, out, 0, v);
        if (differences) {
            int olderDiffs = (window - 1) * features;
            System.arraycopy(x, window * features, out, v, olderDiffs);
        }
    }

    /** {@code out} := {@code x} with the newest step replaced by {@code g} (normalised values; {@code out} may not be {@code x}). */
    public void assemble(float[] x, float[] g, float[] out) {
        int d = inputSize();
        System.arraycopy(x, 0, out, 0, d);
        int v = valueStart();
        int ds = differenceStart();
        for (int f = 0; f < features; f++) {
            out[v + f] = g[f];
            if (differences) {
                out[ds + f] = (float) ((double) x[ds + f] + ((double) g[f] - x[v + f]));
            }
        }
    }
}
