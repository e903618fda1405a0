package io.earthmover.train;

import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.alarm.AlarmSeed;
import io.earthmover.features.Featuriser;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits a new model's {@link AlarmSeed}: the model scores time-ordered training records with the
 * scorer's own featuriser and critic, and the seed is the distribution of their averaged surprise
 * (as a key's alarm state averages it) plus the training range of each feature.
 */
public final class AlarmSeeding {
    private AlarmSeeding() {
    }

    /** {@code bundle} with its seed; {@code series} holds raw records of one key each, in time order. */
    public static ModelBundle seeded(ModelBundle bundle, List<double[][]> series, double[] min, double[] max, int averaging)
            throws TrainingException {
        return seeded(bundle, series, min, max, null, averaging, AlarmPolicy.Squash.NONE);
    }

    /**
     * As above, with the training data's longest runs of a repeated raw value per feature (null = unknown),
     * and each surprise squashed as the scorer's likelihood will squash it ({@code alarm.likelihood.squash}).
     */
    public static ModelBundle seeded(ModelBundle bundle, List<double[][]> series, double[] min, double[] max,
            int[] longestRun, int averaging, AlarmPolicy.Squash squash) throws TrainingException {
        Featuriser f = bundle.featuriser();
        FastScorer scorer = bundle.newScorer(0);
        ScoreResult r = new ScoreResult(0);
        float[] input = new float[f.inputSize()];
        int h = f.historyLength();
        double[][] window = new double[h][];
        List<double[]> surprises = new ArrayList<>();
        for (double[][] s : series) {
            if (s.length < h) {
                continue;
            }
            double[] out = new double[s.length - h + 1];
            for (int end = h - 1; end < s.length; end++) {
                System.arraycopy(s, end - h + 1, window, 0, h);
                f.featurise(window, input);
                scorer.score(input, r);
                out[end - h + 1] = bundle.surprise(r.critic);
            }
            surprises.add(out);
        }
        try {
            return bundle.withAlarmSeed(AlarmSeed.fit(surprises, averaging, squash, min, max).withLongestRun(longestRun));
        } catch (io.earthmover.model.InvalidModelException | IllegalArgumentException e) {
            throw new TrainingException("could not store the alarm seed: " + e.getMessage());
        }
    }
}
