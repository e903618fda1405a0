package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.ConfigKeys;
import io.earthmover.features.FeatureSchema;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conditional WGAN-GP ({@code train.conditional}) on a series whose next value is known from
 * its context: a sine of period {@value #PERIOD} records with small noise, so the newest record of
 * a window follows from the older ones and nothing else. Trained by the product's trainer, read
 * back through the bundle's plain-Java scorer.
 */
class ConditionalTrainingTest {
    private static final int PERIOD = 16;
    private static final int WINDOW = 4;
    private static final double NOISE = 0.03;
    private static ModelBundle model;

    @BeforeAll
    static void train() throws Exception {
        TrainingSettings s = ModelTrainerTest.fast(300).with(ConfigKeys.FEATURES_WINDOW, WINDOW)
                .with(ConfigKeys.FEATURES_DIFFERENCES, false).with(ConfigKeys.TRAIN_CONDITIONAL, true)
                .with(ConfigKeys.TRAIN_LR, 1e-3);
        model = new ModelTrainer().fit(TrainingData.oneSeries(sine(3000, 0, new Random(3))), FeatureSchema.positional(1), s,
                Map.of(), null).bundle();
    }

    @Test
    void theTrainerPublishesAConditionalBundleOfTheCurrentFormat() {
        assertThat(model.isConditional()).isTrue();
        assertThat(model.manifest().formatVersion()).isEqualTo(ModelBundle.FORMAT_VERSION);
        assertThat(model.manifest().conditional().contextSize()).isEqualTo(WINDOW - 1);
        assertThat(model.manifest().conditional().outputs()).isEqualTo(1);
    }

    @Test
    void theExpectedValueFollowsTheContextFarCloserThanTheLastValueDoes() {
        Random r = new Random(9);
        FastScorer s = model.newScorer(0);
        double expectedError = 0;
        double persistenceError = 0;
        int n = 200;
        for (int i = 0; i < n; i++) {
            double[][] w = window(r.nextDouble() * PERIOD, r);
            ScoreResult res = score(s, w);
            double expected = model.featuriser().normaliser().invert(0, res.reconstruction[model.featuriser().newestInput(0)]);
            expectedError += Math.abs(expected - w[WINDOW - 1][0]);
            persistenceError += Math.abs(w[WINDOW - 2][0] - w[WINDOW - 1][0]);
        }
        // the sine moves up to 2 pi / 16 = 0.39 per record: repeating the last value is off by ~0.25 on average
        assertThat(expectedError / n).isLessThan(0.5 * persistenceError / n);
    }

    @Test
    void aNewestValueThatBreaksItsContextScoresBelowOneThatFollowsIt() {
        Random r = new Random(10);
        FastScorer s = model.newScorer(0);
        int lower = 0;
        int n = 200;
        for (int i = 0; i < n; i++) {
            double[][] w = window(r.nextDouble() * PERIOD, r);
            double normal = score(s, w).critic;
            // the newest value reflected through zero: still inside the training range, but not what the context says
            w[WINDOW - 1][0] = -w[WINDOW - 1][0] + (w[WINDOW - 1][0] >= 0 ? -0.5 : 0.5);
            lower += score(s, w).critic < normal ? 1 : 0;
        }
        assertThat(lower).isGreaterThan(n * 9 / 10);
    }

    private static ScoreResult score(FastScorer s, double[][] window) {
        float[] in = new float[model.featuriser().inputSize()];
        model.featuriser().featurise(window, in);
        ScoreResult res = new ScoreResult(0);
        s.score(in, res);
        return res;
    }

    /** {@value #WINDOW} records of the sine from phase {@code start}, oldest first. */
    private static double[][] window(double start, Random r) {
        double[][] w = new double[WINDOW][1];
        for (int t = 0; t < WINDOW; t++) {
            w[t][0] = Math.sin(2 * Math.PI * (start + t) / PERIOD) + NOISE * r.nextGaussian();
        }
        return w;
    }

    private static double[][] sine(int n, double start, Random r) {
        double[][] v = new double[n][1];
        for (int t = 0; t < n; t++) {
            v[t][0] = Math.sin(2 * Math.PI * (start + t) / PERIOD) + NOISE * r.nextGaussian();
        }
        return v;
    }
}
