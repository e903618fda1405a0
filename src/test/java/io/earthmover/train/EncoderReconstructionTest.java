package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.ConfigKeys;
import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Normaliser;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The encoder on a distribution whose structure is known: 3-D records on a line,
 * {@code x = t (1, 2, -1) + noise}, so the best reconstruction of any record is (about) its
 * projection onto the line. Trained by the product's trainer, read back through the bundle's
 * plain-Java scorer.
 */
class EncoderReconstructionTest {
    private static final double[] DIRECTION = {1, 2, -1};
    private static final double NOISE = 0.05;
    /** One model for the tests that read it (training is most of their time). */
    private static ModelBundle model;

    @org.junit.jupiter.api.BeforeAll
    static void train() throws Exception {
        model = fit(lineRows(3000, new Random(5)));
    }

    @Test
    void reconstructsHeldOutNormalRecordsToWithinAFractionOfTheirSpread() throws Exception {
        Random r = new Random(15);
        ModelBundle b = model;
        assertThat(b.hasEncoder()).isTrue();
        assertThat(b.manifest().formatVersion()).isEqualTo(ModelBundle.FORMAT_VERSION);
        FastScorer s = b.newScorer(3);
        double sum = 0;
        int n = 300;
        for (double[] x : lineRows(n, r)) {
            ScoreResult res = score(b, s, x);
            assertThat(res.reconstructed).isTrue();
            sum += res.reconstructionError;
        }
        // normalised units: each feature has variance 1, so predicting the centre would give ~1
        assertThat(sum / n).isLessThan(0.05);
    }

    @Test
    void expectedValuesOfARecordOffTheLineAreNearItsProjectionOntoTheLine() throws Exception {
        ModelBundle b = model;
        FastScorer s = b.newScorer(3);
        Normaliser norm = b.featuriser().normaliser();
        // on the line at t = 0.5, with the second feature pulled 1.5 off it
        double[] x = {0.5, 1.0 + 1.5, -0.5};
        ScoreResult res = score(b, s, x);
        double[] expected = new double[3];
        for (int j = 0; j < 3; j++) {
            expected[j] = norm.invert(j, res.reconstruction[b.featuriser().newestInput(j)]);
        }
        double[] projection = project(x, norm);
        for (int j = 0; j < 3; j++) {
            assertThat(Math.abs(expected[j] - projection[j])).as("feature %d: expected %s, projection %s", j,
                    expected[j], projection[j]).isLessThan(0.35);
        }
        // the pulled feature is where actual and expected differ most, and the record scores as anomalous
        assertThat(Math.abs(x[1] - expected[1])).isGreaterThan(Math.abs(x[0] - expected[0]))
                .isGreaterThan(Math.abs(x[2] - expected[2]));
        assertThat(res.anomaly).isTrue();
        assertThat(score(b, s, new double[] {0.5, 1.0, -0.5}).anomaly).isFalse();
    }

    @Test
    void theServedValueCombinesCriticAndReconstructionErrorAsTheManifestSays() throws Exception {
        ModelBundle b = model;
        FastScorer s = b.newScorer(0);
        var rec = b.manifest().reconstruction();
        assertThat(rec.weight()).isEqualTo(ConfigKeys.TRAIN_RECONSTRUCTION_WEIGHT.defaultValue());
        for (double[] x : new double[][] {{0, 0, 0}, {1, 2, -1}, {3, -1, 2}}) {
            float[] in = input(b, x);
            ScoreResult res = new ScoreResult(0);
            s.score(in, res);
            double critic = s.critic(in);
            assertThat(res.critic).isCloseTo(rec.value(critic, res.reconstructionError), org.assertj.core.data.Offset.offset(1e-9));
        }
        // the holdout's served values are what the drift reference and the alarm layer's surprise are measured against
        assertThat(b.holdoutCriticMean()).isCloseTo(rec.criticMean(), org.assertj.core.data.Offset.offset(3 * rec.criticStd()));
    }

    @Test
    void withoutTheEncoderTheSameSeedGivesTheSameCriticAsBefore() throws Exception {
        // the encoder's initial weights are drawn after the critic's and generator's, and it is off by default
        Random r = new Random(8);
        double[][] rows = lineRows(800, r);
        TrainingSettings off = ModelTrainerTest.fast(30);
        assertThat(off.encoder()).isFalse();
        ModelBundle a = new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(3), off, Map.of(), null).bundle();
        assertThat(a.hasEncoder()).isFalse();
        assertThat(a.manifest().reconstruction()).isNull();
        ModelBundle c = new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(3), off, Map.of(), null).bundle();
        assertThat(c.criticWeights()).isDeepEqualTo(a.criticWeights());
    }

    private static ModelBundle fit(double[][] rows) throws TrainingException {
        TrainingSettings s = ModelTrainerTest.fast(400).with(ConfigKeys.TRAIN_ENCODER, true).with(ConfigKeys.TRAIN_LATENT, 2);
        return new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(3), s, Map.of(), null).bundle();
    }

    static double[][] lineRows(int n, Random r) {
        double[][] v = new double[n][3];
        for (int i = 0; i < n; i++) {
            double t = r.nextGaussian();
            for (int j = 0; j < 3; j++) {
                v[i][j] = t * DIRECTION[j] + NOISE * r.nextGaussian();
            }
        }
        return v;
    }

    /** The projection onto the line in the model's normalised units (where its squared error is measured), in raw units. */
    private static double[] project(double[] x, Normaliser norm) {
        double[] u = new double[3];
        double[] d = new double[3];
        double dot = 0;
        double len = 0;
        for (int j = 0; j < 3; j++) {
            u[j] = norm.apply(j, x[j]);
            d[j] = DIRECTION[j] / norm.scale(j);
            dot += u[j] * d[j];
            len += d[j] * d[j];
        }
        double[] p = new double[3];
        for (int j = 0; j < 3; j++) {
            // the line passes through the normalised image of the origin
            double origin = norm.apply(j, 0);
            p[j] = norm.invert(j, origin + (dot - dotOrigin(norm, d)) / len * d[j]);
        }
        return p;
    }

    private static double dotOrigin(Normaliser norm, double[] d) {
        double s = 0;
        for (int j = 0; j < 3; j++) {
            s += norm.apply(j, 0) * d[j];
        }
        return s;
    }

    private static float[] input(ModelBundle b, double[] raw) {
        float[] in = new float[b.featuriser().inputSize()];
        b.featuriser().featurise(new double[][] {raw}, in);
        return in;
    }

    private static ScoreResult score(ModelBundle b, FastScorer s, double[] raw) {
        ScoreResult res = new ScoreResult(3);
        s.score(input(b, raw), res);
        return res;
    }
}
