package io.earthmover.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional models ({@code train.conditional}, bundle format 6): the served value
 * {@code D(x) - D(ref(x))} against a reference in double precision, the expected newest step, the
 * attribution, the round trip and the refusals.
 */
class ConditionalBundleTest {
    private static final int[] CRITIC = {12, 16, 8, 1};

    @TempDir
    Path dir;

    @Test
    void theServedValueIsTheCriticOfTheRecordLessTheCriticOfItsContextCompletedByTheGenerator() throws Exception {
        ModelBundle b = TestBundles.conditional(ModelBundle.FORMAT_VERSION);
        ConditionalGenerator.Weights g = b.conditionalGenerator();
        for (FastScorer s : new FastScorer[] {b.newScorer(3), b.newScalarScorer(3)}) {
            assertThat(s.isConditional()).isTrue();
            for (int seed = 0; seed < 5; seed++) {
                float[] x = input(seed);
                double[] ref = reference(x, g);
                double want = mlp(toDouble(x), CRITIC, b.criticWeights(), b.criticBiases())[0]
                        - mlp(ref, CRITIC, b.criticWeights(), b.criticBiases())[0];
                ScoreResult r = new ScoreResult(3);
                s.score(x, r);
                assertThat(r.critic).isCloseTo(want, Offset.offset(1e-5));
                assertThat(r.score).isEqualTo(b.calibration().score(r.critic));
                assertThat(r.reconstructed).isTrue();
                for (int i = 0; i < 12; i++) {
                    assertThat((double) r.reconstruction[i]).as("ref[%d]", i).isCloseTo(ref[i], Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void aRecordThatIsExactlyWhatTheGeneratorExpectsScoresZero() throws Exception {
        ModelBundle b = TestBundles.conditional(ModelBundle.FORMAT_VERSION);
        float[] x = input(7);
        double[] ref = reference(x, b.conditionalGenerator());
        float[] expected = new float[ref.length];
        for (int i = 0; i < ref.length; i++) {
            expected[i] = (float) ref[i];
        }
        ScoreResult r = new ScoreResult(3);
        b.newScorer(3).score(expected, r);
        assertThat(r.critic).isCloseTo(0.0, Offset.offset(1e-5));
    }

    @Test
    void attributionFallsOnTheNewestStepOnlyWithTheReferenceAsBaseline() throws Exception {
        ModelBundle b = TestBundles.conditional(ModelBundle.FORMAT_VERSION);
        FastScorer s = b.newScalarScorer(12);
        float[] x = input(2);
        ScoreResult r = new ScoreResult(12);
        s.score(x, r);
        float[] grad = s.lastInputGradient();
        assertThat(r.topCount).isEqualTo(12);
        for (int k = 0; k < r.topCount; k++) {
            int i = r.topInput[k];
            double want = -(double) grad[i] * ((double) x[i] - r.reconstruction[i]);
            assertThat(r.topContribution[k]).as("input %d", i).isCloseTo(want, Offset.offset(1e-6));
            boolean newest = (i >= 3 && i < 6) || i >= 9;
            if (!newest) {
                assertThat(r.topContribution[k]).as("context input %d", i).isEqualTo(0.0);
            }
        }
    }

    @Test
    void roundTripsThroughAFileWithTheSameBlockAndScores() throws Exception {
        ModelBundle b = TestBundles.conditional(ModelBundle.FORMAT_VERSION);
        Path f = dir.resolve("cond.zip");
        b.write(f);
        ModelBundle c = ModelBundle.read(f);
        assertThat(c.isConditional()).isTrue();
        assertThat(c.manifest().conditional().generator()).containsExactly(TestBundles.CONDITIONAL_GENERATOR);
        assertThat(c.sha256()).isEqualTo(b.sha256());
        ScoreResult r1 = new ScoreResult(3);
        ScoreResult r2 = new ScoreResult(3);
        b.newScorer(3).score(input(4), r1);
        c.newScorer(3).score(input(4), r2);
        assertThat(r2.critic).isEqualTo(r1.critic);
        assertThat(r2.reconstruction).containsExactly(r1.reconstruction);
    }

    @Test
    void aConditionalBlockInAnOlderFormatIsRefusedWithTheFormatItNeeds() {
        assertThatThrownBy(() -> TestBundles.conditional(5)).isInstanceOfSatisfying(InvalidModelException.class, e -> {
            assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.FORMAT);
            assertThat(e.getMessage()).contains("needs bundle format 6").contains("format 5");
        });
    }

    @Test
    void aGeneratorThatDoesNotFitTheWindowOrIsMissingIsRefused() throws Exception {
        ModelBundle b = TestBundles.conditional(ModelBundle.FORMAT_VERSION);
        ModelManifest m = b.manifest();
        ConditionalGenerator.Weights g = b.conditionalGenerator();
        // a context of 9 inputs: the window's is 6 (the older record's 3 values and 3 differences)
        ModelManifest wrongContext = TestBundles.conditionalManifest(m, ModelBundle.FORMAT_VERSION,
                new ModelManifest.Conditional(new int[] {11, 8, 3}, 2, 9, 3));
        float[][][] g11 = TestBundles.weights(new int[] {11, 8, 3}, 9);
        assertThatThrownBy(() -> ModelBundle.create(wrongContext, b.criticWeights(), b.criticBiases(), new float[0][],
                new float[0][], null, new ConditionalGenerator.Weights(g11[0], g11[1])))
                .isInstanceOfSatisfying(InvalidModelException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.SHAPE);
                    assertThat(e.getMessage()).contains("needs context 6");
                });
        assertThatThrownBy(() -> ModelBundle.create(m, b.criticWeights(), b.criticBiases(), new float[0][], new float[0][],
                null, null)).hasMessageContaining("no generator weights");
        float[][] shortLayer = {g.weights()[0], java.util.Arrays.copyOf(g.weights()[1], 5)};
        assertThatThrownBy(() -> ModelBundle.create(m, b.criticWeights(), b.criticBiases(), new float[0][], new float[0][],
                null, new ConditionalGenerator.Weights(shortLayer, g.biases()))).isInstanceOfSatisfying(
                InvalidModelException.class, e -> assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.SHAPE));
    }

    @Test
    void aModelWithoutTheBlockStillScoresItsPlainCritic() throws Exception {
        ModelBundle b = TestBundles.small();
        assertThat(b.isConditional()).isFalse();
        ScoreResult r = new ScoreResult(0);
        b.newScorer(0).score(input(1), r);
        assertThat(r.critic).isCloseTo(mlp(toDouble(input(1)), CRITIC, b.criticWeights(), b.criticBiases())[0],
                Offset.offset(1e-5));
        assertThat(r.reconstructed).isFalse();
    }

    /**
     * ref(x): the generator's output at z = 0 for x's context (the 3 older values x[0,3) and older
     * differences x[6,9)) replaces the newest values x[3,6); the newest differences x[9,12) become
     * that output less the previous values x[0,3), as they would be had the record been it.
     */
    private static double[] reference(float[] x, ConditionalGenerator.Weights g) {
        double[] in = new double[8];
        for (int i = 0; i < 3; i++) {
            in[i] = x[i];
            in[3 + i] = x[6 + i];
        }
        double[] out = mlp(in, TestBundles.CONDITIONAL_GENERATOR, g.weights(), g.biases());
        double[] ref = toDouble(x);
        for (int f = 0; f < 3; f++) {
            ref[3 + f] = out[f];
            ref[9 + f] = (double) x[9 + f] + out[f] - x[3 + f];
        }
        return ref;
    }

    private static float[] input(long seed) {
        Random r = new Random(seed);
        float[] x = new float[12];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** A reference forward pass in double: LeakyReLU 0.2 between layers, linear output. */
    private static double[] mlp(double[] x, int[] sizes, float[][] w, float[][] b) {
        double[] in = x;
        for (int l = 0; l + 1 < sizes.length; l++) {
            double[] out = new double[sizes[l + 1]];
            for (int j = 0; j < out.length; j++) {
                double s = b[l][j];
                for (int i = 0; i < sizes[l]; i++) {
                    s += in[i] * w[l][i * sizes[l + 1] + j];
                }
                out[j] = l + 2 < sizes.length ? Math.max(s, 0.2 * s) : s;
            }
            in = out;
        }
        return in;
    }
}
