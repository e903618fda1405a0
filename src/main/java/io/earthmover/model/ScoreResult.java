package io.earthmover.model;

/**
 * The result of scoring one record; mutable and reused by {@link FastScorer} so scoring
 * allocates nothing. Copy what you need before the next call.
 */
public final class ScoreResult {
    /**
     * The served critic value; higher means more like the training data: D(x), or for a model with
     * an encoder D(x) combined with the reconstruction error (see {@link ModelManifest.Reconstruction}), for a
     * conditional model D(x) - D(ref(x)) (see {@link ModelManifest.Conditional}).
     */
    public double critic;
    /**
     * Whether {@link #reconstruction} holds this record's {@code G(E(x))} (models with an encoder) or
     * {@code ref(x)}, the input with its newest step as the generator expects it (conditional models).
     */
    public boolean reconstructed;
    /** The critic input the model expected, {@code G(E(x))} in normalised input units; null until a model with an encoder fills it. */
    public float[] reconstruction;
    /** Mean squared difference between the input and {@link #reconstruction} (NaN without an encoder). */
    public double reconstructionError = Double.NaN;
    /** Calibrated anomaly score in [0,1]: fraction of holdout critic values above D(x). */
    public double score;
    /** {@code score >= threshold} of the model. */
    public boolean anomaly;
    /** Valid entries in {@link #topInput} and {@link #topContribution}. */
    public int topCount;
    /** Critic input indices (see {@code Featuriser.inputName}), largest contribution first. */
    public final int[] topInput;
    /** Each input's share of the critic drop D(baseline) - D(x); positive pushes towards anomalous. */
    public final double[] topContribution;

    public ScoreResult(int topK) {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must not be negative");
        }
        this.topInput = new int[topK];
        this.topContribution = new double[topK];
    }

    public int capacity() {
        return topInput.length;
    }
}
