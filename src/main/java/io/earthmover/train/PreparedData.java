package io.earthmover.train;

import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import io.earthmover.features.Normaliser;
import io.earthmover.features.SlowFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training data made ready for the networks: the fitted normaliser and featuriser, and the
 * critic inputs split by a seeded permutation into training rows and the calibration holdout.
 *
 * @param rowCount raw rows the inputs were built from
 */
record PreparedData(Normaliser normaliser, Featuriser featuriser, float[][] train, float[][] holdout, int rowCount) {
    /** Fewer critic inputs than this cannot be split into a training set and a useful holdout. */
    static final int MIN_SAMPLES = 50;
    static final int MIN_HOLDOUT = 20;

    int inputSize() {
        return featuriser.inputSize();
    }

    /**
     * The derived time-of-day features (sine and cosine, within [-1, 1]) keep centre 0 and scale 1,
     * not what the training rows show: training data spanning a few hours would otherwise give them a
     * tiny scale, and every other hour of the day would land far outside the model's range.
     */
    static Normaliser fixDerived(Normaliser fitted, FeatureSchema schema) {
        if (schema.size() == schema.recordSize()) {
            return fitted;
        }
        double[] centre = fitted.centre();
        double[] scale = fitted.scale();
        for (int f = schema.recordSize(); f < schema.size(); f++) {
            centre[f] = 0;
            scale[f] = 1;
        }
        return Normaliser.of(fitted.kind(), centre, scale);
    }

    /**
     * Checks the raw series, fits the normaliser, shingles each series and splits off the holdout;
     * the split is the first use of {@code rng}.
     */
    static PreparedData prepare(List<double[][]> series, FeatureSchema schema, TrainingSettings s, Random rng)
            throws TrainingException {
        // constant features (some or all) are learnt, not refused: the normaliser's scale floor
        // makes any departure from the constant stand far out (see Normaliser)
        List<double[]> rows = checkedRows(series, schema.size());
        Normaliser normaliser = fixDerived(Normaliser.fit(s.normaliser(), rows), schema);
        Featuriser featuriser = new Featuriser(schema, s.window(), s.differences(), normaliser,
                s.inputSquash().features(normaliser, rows), s.levelAuto() ? SlowFeatures.of(series, schema) : null);
        float[][] inputs = shingle(series, featuriser);
        for (float[] x : inputs) {
            for (float v : x) {
                if (!Float.isFinite(v)) {
                    throw new TrainingException("a normalised training value overflows float32: the data has values"
                            + " too far from the rest (e.g. 1e300); clean the data or use features.normaliser=robust");
                }
            }
        }
        if (inputs.length < MIN_SAMPLES) {
            throw new TrainingException("only " + inputs.length + " critic inputs from " + rows.size() + " rows in "
                    + series.size() + " series (window " + s.window() + (s.differences() ? " + 1 for differences" : "")
                    + "); need at least " + MIN_SAMPLES);
        }
        int[] order = Sampling.permutation(inputs.length, rng);
        int holdoutCount = Math.max(MIN_HOLDOUT, (int) Math.round(s.holdoutFraction() * inputs.length));
        float[][] train = new float[inputs.length - holdoutCount][];
        float[][] holdout = new float[holdoutCount][];
        for (int i = 0; i < inputs.length; i++) {
            if (i < holdoutCount) {
                holdout[i] = inputs[order[i]];
            } else {
                train[i - holdoutCount] = inputs[order[i]];
            }
        }
        return new PreparedData(normaliser, featuriser, train, holdout, rows.size());
    }

    private static List<double[]> checkedRows(List<double[][]> series, int n) throws TrainingException {
        List<double[]> rows = new ArrayList<>();
        for (double[][] ser : series) {
            for (double[] v : ser) {
                if (v.length != n) {
                    throw new TrainingException("a training vector has " + v.length + " values, the schema " + n);
                }
                for (double x : v) {
                    if (!Double.isFinite(x)) {
                        throw new TrainingException("training data contains NaN or infinite values");
                    }
                }
                rows.add(v);
            }
        }
        if (rows.isEmpty()) {
            throw new TrainingException("no training data: every series is empty");
        }
        return rows;
    }

    /** Critic inputs of every complete window of every series. */
    static float[][] shingle(List<double[][]> series, Featuriser f) {
        int h = f.historyLength();
        int total = 0;
        for (double[][] s : series) {
            total += Math.max(0, s.length - h + 1);
        }
        float[][] out = new float[total][];
        double[][] hist = new double[h][];
        int k = 0;
        for (double[][] s : series) {
            for (int t = h - 1; t < s.length; t++) {
                System.arraycopy(s, t - h + 1, hist, 0, h);
                float[] x = new float[f.inputSize()];
                f.featurise(hist, x);
                out[k++] = x;
            }
        }
        return out;
    }
}
