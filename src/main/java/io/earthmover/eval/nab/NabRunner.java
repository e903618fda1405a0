package io.earthmover.eval.nab;

import io.earthmover.eval.Detector;
import io.earthmover.eval.DetectorFactory;
import io.earthmover.eval.DetectorSpec;
import io.earthmover.eval.nab.NabScorer.ScoredSeries;
import java.util.ArrayList;
import java.util.List;

/**
 * NAB's online protocol for one detector: a fresh detector per series, trained on the probationary
 * rows, then asked for each later row's score in time order. Probationary rows get score 0 (the
 * scorer ignores them).
 */
public final class NabRunner {
    /** Seed of every detector, so runs repeat. */
    public static final long SEED = 42L;

    private NabRunner() {
    }

    public static ScoredSeries run(DetectorFactory factory, NabSeries s) {
        Detector d = factory.create(new DetectorSpec(1, true, SEED));
        int prob = s.probationaryRows();
        List<double[]> train = new ArrayList<>(prob);
        for (int i = 0; i < prob; i++) {
            train.add(new double[] {s.values()[i]});
        }
        d.train(train);
        double[] scores = new double[s.rows()];
        for (int i = prob; i < s.rows(); i++) {
            scores[i] = d.score(s.epochMillis()[i], new double[] {s.values()[i]});
        }
        return new ScoredSeries(s, scores);
    }
}
