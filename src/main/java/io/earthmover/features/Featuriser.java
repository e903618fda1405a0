package io.earthmover.features;

import java.util.Objects;

/**
 * Turns the recent raw vectors of one key into the critic's input. Trainer and scorer share this
 * one implementation, so training and serving cannot disagree. Immutable and thread-safe.
 *
 * <p>Layout for window {@code w} and {@code n} features: first the {@code w} normalised vectors,
 * oldest first (input {@code p*n + f} is feature {@code f} at lag {@code w-1-p}); then, with
 * differences, the {@code w} first differences {@code (x_t - x_{t-1}) / scale_f} in the same
 * order. Differences need the vector before the oldest one, so {@link #historyLength()} is
 * {@code w + 1} with differences and {@code w} without. Window 1 without differences is exactly
 * the normalised vector. The inputs (values and differences) of the features marked squashed then go
 * through {@link Squash#apply} ({@code features.squash}; none by default). A feature marked
 * level-free ({@code features.level=auto}, {@link SlowFeatures}) keeps its slots, but its value slots
 * are always 0: it enters by its differences alone, so the layout does not depend on the marks.
 */
public final class Featuriser {
    private final FeatureSchema schema;
    private final java.util.List<String> names;
    private final int window;
    private final boolean differences;
    private final Normaliser normaliser;
    private final boolean[] squashed;
    private final boolean anySquashed;
    private final boolean[] levelFree;
    private final boolean anyLevelFree;
    private final double[] centre;
    private final double[] invScale;
    private final int n;

    public Featuriser(FeatureSchema schema, int window, boolean differences, Normaliser normaliser) {
        this(schema, window, differences, normaliser, null);
    }

    /** @param squashed per feature, whether its inputs go through asinh; null = none */
    public Featuriser(FeatureSchema schema, int window, boolean differences, Normaliser normaliser, boolean[] squashed) {
        this(schema, window, differences, normaliser, squashed, null);
    }

    /**
     * @param squashed  per feature, whether its inputs go through asinh; null = none
     * @param levelFree per feature, whether its value slots are left at 0 (its differences alone carry
     *                  it); null = none; needs differences
     */
    public Featuriser(FeatureSchema schema, int window, boolean differences, Normaliser normaliser, boolean[] squashed,
                      boolean[] levelFree) {
        this.squashed = marks(squashed, schema, "squash");
        this.anySquashed = any(this.squashed);
        this.levelFree = marks(levelFree, schema, "level-free");
        this.anyLevelFree = any(this.levelFree);
        if (anyLevelFree && !differences) {
            throw new IllegalArgumentException("level-free features need differences: without them they would enter not at all");
        }
        this.schema = Objects.requireNonNull(schema, "schema");
        this.names = schema.names(); // once: with derived features the schema builds the list on each call
        this.normaliser = Objects.requireNonNull(normaliser, "normaliser");
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, not " + window);
        }
        if (normaliser.size() != schema.size()) {
            throw new IllegalArgumentException("normaliser has " + normaliser.size()
                    + " features, the schema " + schema.size());
        }
        this.window = window;
        this.differences = differences;
        this.n = schema.size();
        this.centre = normaliser.centre();
        this.invScale = new double[n];
        for (int f = 0; f < n; f++) {
            invScale[f] = 1.0 / normaliser.scale(f);
        }
    }

    public FeatureSchema schema() {
        return schema;
    }

    public int window() {
        return window;
    }

    public boolean differences() {
        return differences;
    }

    public Normaliser normaliser() {
        return normaliser;
    }

    private static boolean[] marks(boolean[] given, FeatureSchema schema, String what) {
        boolean[] m = given == null ? new boolean[schema.size()] : given.clone();
        if (m.length != schema.size()) {
            throw new IllegalArgumentException(what + " marks " + m.length + " features, the schema has " + schema.size());
        }
        return m;
    }

    private static boolean any(boolean[] marks) {
        for (boolean b : marks) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /** Whether feature {@code f} enters by its differences alone (its value slots are 0). */
    public boolean levelFree(int f) {
        return levelFree[f];
    }

    /** Per feature, whether it enters by its differences alone (a copy). */
    public boolean[] levelFree() {
        return levelFree.clone();
    }

    /** Whether any feature enters by its differences alone. */
    public boolean anyLevelFree() {
        return anyLevelFree;
    }

    /** Whether feature {@code f}'s inputs go through asinh. */
    public boolean squashed(int f) {
        return squashed[f];
    }

    /** Per feature, whether its inputs go through asinh (a copy). */
    public boolean[] squashed() {
        return squashed.clone();
    }

    /** Whether any feature's inputs go through asinh. */
    public boolean anySquashed() {
        return anySquashed;
    }

    /** The value (in the normaliser's units) of feature {@code f} behind critic input value {@code input}. */
    public double normalisedOf(int f, double input) {
        return squashed[f] ? Squash.invert(input) : input;
    }

    private double input(int f, double normalised) {
        return squashed[f] ? Squash.apply(normalised) : normalised;
    }

    /** Raw vectors the caller keeps per key: window, plus one with differences. */
    public int historyLength() {
        return differences ? window + 1 : window;
    }

    /** Critic input dimension. */
    public int inputSize() {
        return (differences ? 2 : 1) * window * n;
    }

    /**
     * Writes the normalised critic input for the newest record. Allocation-free.
     *
     * @param historyOldestFirst exactly {@link #historyLength()} raw vectors of this key, the
     *                           newest (the record being scored) last
     * @param out                at least {@link #inputSize()} floats
     */
    public void featurise(double[][] historyOldestFirst, float[] out) {
        int h = historyLength();
        if (historyOldestFirst.length != h) {
            throw new IllegalArgumentException("history has " + historyOldestFirst.length
                    + " vectors, the featuriser needs " + h);
        }
        int first = h - window; // 1 with differences: the extra oldest vector only feeds a difference
        int o = 0;
        for (int p = 0; p < window; p++) {
            double[] x = historyOldestFirst[first + p];
            for (int f = 0; f < n; f++) {
                out[o++] = levelFree[f] ? 0f : (float) input(f, (x[f] - centre[f]) * invScale[f]);
            }
        }
        if (differences) {
            for (int p = 0; p < window; p++) {
                double[] x = historyOldestFirst[first + p];
                double[] prev = historyOldestFirst[first + p - 1];
                for (int f = 0; f < n; f++) {
                    out[o++] = (float) input(f, (x[f] - prev[f]) * invScale[f]);
                }
            }
        }
    }

    /** The critic input holding feature {@code f} of the newest record (lag 0, not a difference). */
    public int newestInput(int feature) {
        if (feature < 0 || feature >= n) {
            throw new IndexOutOfBoundsException("feature " + feature + " of " + n);
        }
        return (window - 1) * n + feature;
    }

    /** Index into the schema's names of the feature behind critic input {@code i}. */
    public int featureOf(int inputIndex) {
        checkIndex(inputIndex);
        return inputIndex % n;
    }

    /** How many records before the newest one input {@code i} comes from (0 = the scored record). */
    public int lagOf(int inputIndex) {
        checkIndex(inputIndex);
        int p = (inputIndex / n) % window;
        return window - 1 - p;
    }

    /** True when input {@code i} is a first difference. */
    public boolean isDifference(int inputIndex) {
        checkIndex(inputIndex);
        return inputIndex >= window * n;
    }

    /** {@code cpu} for window 1; {@code cpu@t}, {@code cpu@t-2}, {@code d.cpu@t-1} with windows or differences. */
    public String inputName(int inputIndex) {
        String name = names.get(featureOf(inputIndex));
        if (window == 1 && !differences) {
            return name;
        }
        int lag = lagOf(inputIndex);
        String at = lag == 0 ? "@t" : "@t-" + lag;
        return (isDifference(inputIndex) ? "d." : "") + name + at;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= inputSize()) {
            throw new IndexOutOfBoundsException("input " + i + " of " + inputSize());
        }
    }
}
