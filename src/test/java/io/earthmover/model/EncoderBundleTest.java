package io.earthmover.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles with an encoder (format 4): round trip, the served reconstruction and value, and refusals. */
class EncoderBundleTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsThroughAFileWithTheSameReconstructionAndScores() throws Exception {
        // format 4, the one that introduced the encoder: later formats only add optional blocks
        ModelBundle b = TestBundles.withEncoder(4);
        Path f = dir.resolve("enc.zip");
        b.write(f);
        ModelBundle c = ModelBundle.read(f);
        assertThat(c.hasEncoder()).isTrue();
        assertThat(c.manifest().formatVersion()).isEqualTo(4);
        assertThat(c.manifest().architecture().encoder()).containsExactly(TestBundles.ENCODER);
        assertThat(c.manifest().reconstruction()).isEqualTo(TestBundles.RECONSTRUCTION);
        assertThat(c.manifestJson()).isEqualTo(b.manifestJson());
        assertThat(c.sha256()).isEqualTo(b.sha256());
        float[] x = input(1);
        ScoreResult r1 = new ScoreResult(3);
        ScoreResult r2 = new ScoreResult(3);
        b.newScorer(3).score(x, r1);
        c.newScorer(3).score(x, r2);
        assertThat(r2.reconstructed).isTrue();
        assertThat(r2.reconstruction).containsExactly(r1.reconstruction);
        assertThat(r2.critic).isEqualTo(r1.critic);
        assertThat(r2.topInput).containsExactly(r1.topInput);
    }

    @Test
    void theReconstructionIsTheGeneratorOfTheEncoderAndTheValueTheManifestsCombination() throws Exception {
        ModelBundle b = TestBundles.withEncoder(ModelBundle.FORMAT_VERSION);
        ModelBundle.Autoencoder ae = b.autoencoder();
        for (FastScorer s : new FastScorer[] {b.newScorer(3), b.newScalarScorer(3)}) {
            for (int seed = 0; seed < 5; seed++) {
                float[] x = input(seed);
                double[] want = mlp(mlp(toDouble(x), TestBundles.ENCODER, ae.encoderWeights(), ae.encoderBiases()),
                        TestBundles.GENERATOR, ae.generatorWeights(), ae.generatorBiases());
                ScoreResult r = new ScoreResult(3);
                s.score(x, r);
                double err = 0;
                for (int i = 0; i < want.length; i++) {
                    assertThat((double) r.reconstruction[i]).isCloseTo(want[i], Offset.offset(1e-5));
                    err += (x[i] - want[i]) * (x[i] - want[i]);
                }
                assertThat(r.reconstructionError).isCloseTo(err / want.length, Offset.offset(1e-5));
                assertThat(r.critic).isCloseTo(TestBundles.RECONSTRUCTION.value(s.critic(x), r.reconstructionError), Offset.offset(1e-9));
                assertThat(r.score).isEqualTo(b.calibration().score(r.critic));
            }
        }
    }

    @Test
    void attributionAddsEachInputsShareOfTheReconstructionTerm() throws Exception {
        ModelBundle b = TestBundles.withEncoder(ModelBundle.FORMAT_VERSION);
        FastScorer s = b.newScalarScorer(12);
        float[] x = input(2);
        ScoreResult r = new ScoreResult(12);
        s.score(x, r);
        float[] grad = s.lastInputGradient();
        ModelManifest.Reconstruction rec = TestBundles.RECONSTRUCTION;
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) {
            double e = x[i] - r.reconstruction[i];
            want[i] = rec.criticFactor() * -grad[i] * x[i] + rec.errorFactor() * e * e / 12;
        }
        for (int k = 0; k < r.topCount; k++) {
            assertThat(r.topContribution[k]).isCloseTo(want[r.topInput[k]], Offset.offset(1e-5));
        }
        assertThat(r.topCount).isEqualTo(12);
    }

    @Test
    void anEncoderInABundleOfAnOlderFormatIsRefusedWithTheFormatItNeeds() {
        assertThatThrownBy(() -> TestBundles.withEncoder(3))
                .isInstanceOfSatisfying(InvalidModelException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.FORMAT);
                    assertThat(e.getMessage()).contains("encoder needs bundle format 4").contains("format 3");
                });
    }

    @Test
    void anEncoderWithoutItsCombinationOrWithShapesThatDoNotChainIsRefused() throws Exception {
        ModelBundle b = TestBundles.withEncoder(ModelBundle.FORMAT_VERSION);
        ModelManifest m = b.manifest();
        ModelBundle.Autoencoder ae = b.autoencoder();
        ModelManifest noCombination = copy(m, m.architecture(), null);
        assertThatThrownBy(() -> ModelBundle.create(noCombination, b.criticWeights(), b.criticBiases(), new float[0][],
                new float[0][], ae)).hasMessageContaining("no reconstruction block");
        ModelManifest.Architecture a = m.architecture();
        ModelManifest wrongLatent = copy(m, new ModelManifest.Architecture(a.inputSize(), a.critic(), new int[] {4, 8, 12},
                false, a.leakyReluSlope(), a.weightsFormat(), a.encoder()), m.reconstruction());
        assertThatThrownBy(() -> ModelBundle.create(wrongLatent, b.criticWeights(), b.criticBiases(), new float[0][],
                new float[0][], ae)).isInstanceOfSatisfying(InvalidModelException.class,
                e -> assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.SHAPE));
        ModelBundle.Autoencoder shortGenerator = new ModelBundle.Autoencoder(ae.encoderWeights(), ae.encoderBiases(),
                new float[][] {ae.generatorWeights()[0], Arrays.copyOf(ae.generatorWeights()[1], 10)}, ae.generatorBiases());
        assertThatThrownBy(() -> ModelBundle.create(m, b.criticWeights(), b.criticBiases(), new float[0][], new float[0][],
                shortGenerator)).hasMessageContaining("generator");
    }

    @Test
    void aBundleWithoutAnEncoderStillLoadsInFormatThreeAndFour() throws Exception {
        ModelBundle four = TestBundles.small(4);
        assertThat(four.manifest().formatVersion()).isEqualTo(4);
        assertThat(four.hasEncoder()).isFalse();
        ModelManifest m = four.manifest();
        ModelManifest three = new ModelManifest(3, m.version(), m.createdAt(), m.featureNames(), m.named(), m.window(),
                m.differences(), m.normaliser(), m.architecture(), m.calibration(), m.threshold(), m.criticThreshold(),
                m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), m.alarm(), m.keyStandardise(), null);
        ModelBundle old = ModelBundle.fromBytes(ModelBundle.create(three, four.criticWeights(), four.criticBiases()).toBytes());
        ScoreResult r = new ScoreResult(0);
        old.newScorer(0).score(input(3), r);
        assertThat(r.reconstructed).isFalse();
        assertThat(r.reconstruction).isNull();
    }

    private static ModelManifest copy(ModelManifest m, ModelManifest.Architecture a, ModelManifest.Reconstruction r) {
        return new ModelManifest(m.formatVersion(), m.version(), m.createdAt(), m.featureNames(), m.named(), m.window(),
                m.differences(), m.normaliser(), a, m.calibration(), m.threshold(), m.criticThreshold(),
                m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), m.alarm(), m.keyStandardise(), r, null);
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
