package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.model.ConditionalLayout;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The conditional WGAN-GP ({@code train.conditional}) against central finite differences in
 * double precision: the critic loss on (context, newest step) pairs with the penalty on their
 * interpolates, and the generator loss through the assembly of its newest step into the real
 * rows (values and, with differences, the newest differences).
 */
class ConditionalWganGpGradientTest {
    private static final int BATCH = 6;
    private static final int FEATURES = 2;
    private static final int WINDOW = 3;
    private static final int LATENT = 3;

    private final Random rng = new Random(11);

    private Fixture fixture(boolean differences, boolean layerNorm) {
        ConditionalLayout layout = new ConditionalLayout(FEATURES, WINDOW, differences);
        int d = layout.inputSize();
        Mlp critic = MlpInit.init(new int[] {d, 6, 5, 1}, Mlp.DEFAULT_SLOPE, layerNorm, rng, DataType.DOUBLE);
        Mlp generator = MlpInit.init(new int[] {layout.contextSize() + LATENT, 5, FEATURES}, Mlp.DEFAULT_SLOPE, rng,
                DataType.DOUBLE);
        jitter(critic);
        jitter(generator);
        WganGp gan = new WganGp(critic, generator, GanLoss.WGAN_GP, false, layout);
        return new Fixture(layout, critic, generator, gan, windows(layout), gaussian(BATCH, LATENT), uniform(BATCH));
    }

    @ParameterizedTest(name = "differences {0}")
    @ValueSource(booleans = {false, true})
    void criticLossOnPairsMatchesFiniteDifferencesForEveryParameter(boolean differences) {
        Fixture f = fixture(differences, false);
        Mlp.Params grads = f.critic.zerosLikeParams();
        f.gan.critic(f.real, f.z, f.eps, 10.0, true, grads);
        int checked = WganGpGradientChecks.check(f.critic, grads, () -> f.gan.critic(f.real, f.z, f.eps, 10.0, true, null).loss());
        assertThat(checked).isEqualTo(f.critic.parameterCount());
    }

    @Test
    void criticLossWithLayerNormMatchesFiniteDifferencesForEveryParameter() {
        Fixture f = fixture(true, true);
        Mlp.Params grads = f.critic.zerosLikeParams();
        f.gan.critic(f.real, f.z, f.eps, 10.0, true, grads);
        int checked = WganGpGradientChecks.check(f.critic, grads, () -> f.gan.critic(f.real, f.z, f.eps, 10.0, true, null).loss());
        assertThat(checked).isEqualTo(f.critic.parameterCount());
    }

    @Test
    void penaltyIsTakenOnInterpolatedPairsThatShareTheRealContext() {
        Fixture f = fixture(true, false);
        INDArray fake = WganGp.assemble(f.layout, f.real, f.generator.output(WganGp.generatorInput(f.layout, f.real, f.z)));
        INDArray xh = f.real.mulColumnVector(f.eps).addi(fake.mulColumnVector(f.eps.rsub(1.0)));
        INDArray g = InputGradientPass.inputGradient(f.critic, f.critic.forward(xh)).dx();
        double expected = 0;
        for (int i = 0; i < BATCH; i++) {
            double norm = g.getRow(i).norm2Number().doubleValue();
            expected += (norm - 1) * (norm - 1);
            assertThat(context(f.layout, xh, i)).as("row %d", i).containsExactly(context(f.layout, f.real, i), Offset.offset(1e-12));
        }
        WganGp.CriticValues v = f.gan.critic(f.real, f.z, f.eps, 1.0, false, null);
        assertThat(v.penalty()).isCloseTo(expected / BATCH, Offset.offset(1e-12));
        assertThat(v.penalty()).isGreaterThan(1e-3);
    }

    @ParameterizedTest(name = "differences {0}")
    @ValueSource(booleans = {false, true})
    void generatorLossThroughTheAssemblyMatchesFiniteDifferencesForEveryParameter(boolean differences) {
        Fixture f = fixture(differences, false);
        Mlp.Params grads = f.generator.zerosLikeParams();
        f.gan.generator(f.real, f.z, grads);
        int checked = WganGpGradientChecks.check(f.generator, grads, () -> f.gan.generator(f.real, f.z, null));
        assertThat(checked).isEqualTo(f.generator.parameterCount());
    }

    @Test
    void generatorLossIsMinusTheMeanCriticOfTheRealRowsCompletedByTheGenerator() {
        Fixture f = fixture(true, false);
        INDArray in = WganGp.generatorInput(f.layout, f.real, f.z);
        assertThat(in.columns()).isEqualTo(f.layout.contextSize() + LATENT);
        INDArray g = f.generator.output(in);
        double sum = 0;
        for (int i = 0; i < BATCH; i++) {
            double[] row = f.real.getRow(i).toDoubleVector();
            double[] fake = row.clone();
            int v = f.layout.valueStart();
            int ds = f.layout.differenceStart();
            for (int j = 0; j < FEATURES; j++) {
                fake[v + j] = g.getDouble(i, j);
                // the newest difference is the newest value less the one before it
                fake[ds + j] = g.getDouble(i, j) - row[v - FEATURES + j];
            }
            sum += f.critic.output(Nd4j.create(fake, new long[] {1, fake.length}, 'c')).getDouble(0, 0);
        }
        assertThat(f.gan.generator(f.real, f.z, null)).isCloseTo(-sum / BATCH, Offset.offset(1e-12));
    }

    @Test
    void aConditionalGeneratorRefusesToRunWithoutTheRowsItCompletes() {
        Fixture f = fixture(false, false);
        assertThatThrownBy(() -> f.gan.generator(f.z, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("real rows");
    }

    private double[] context(ConditionalLayout layout, INDArray rows, int i) {
        float[] x = rows.getRow(i).toFloatVector();
        float[] c = new float[layout.contextSize()];
        layout.context(x, c);
        double[] out = new double[c.length];
        for (int k = 0; k < c.length; k++) {
            out[k] = c[k];
        }
        return out;
    }

    /** Critic inputs of a random walk: values oldest first, then (with differences) their first differences. */
    private INDArray windows(ConditionalLayout layout) {
        int d = layout.inputSize();
        double[] v = new double[BATCH * d];
        for (int i = 0; i < BATCH; i++) {
            double[][] series = new double[WINDOW + 1][FEATURES];
            for (int t = 0; t <= WINDOW; t++) {
                for (int j = 0; j < FEATURES; j++) {
                    series[t][j] = (t == 0 ? 0 : series[t - 1][j]) + rng.nextGaussian();
                }
            }
            for (int t = 0; t < WINDOW; t++) {
                for (int j = 0; j < FEATURES; j++) {
                    v[i * d + t * FEATURES + j] = series[t + 1][j];
                    if (layout.differences()) {
                        v[i * d + (WINDOW + t) * FEATURES + j] = series[t + 1][j] - series[t][j];
                    }
                }
            }
        }
        return Nd4j.create(v, new long[] {BATCH, d}, 'c');
    }

    private INDArray gaussian(int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    private INDArray uniform(int rows) {
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = rng.nextDouble();
        }
        return Nd4j.create(v, new long[] {rows, 1}, 'c');
    }

    private void jitter(Mlp net) {
        for (int l = 0; l < net.layers(); l++) {
            INDArray b = net.bias(l);
            for (long i = 0; i < b.length(); i++) {
                b.putScalar(i, 0.1 * rng.nextGaussian());
            }
        }
        for (int k = 0; net.layerNorm() && k < net.layers() - 1; k++) {
            for (long i = 0; i < net.gain(k).length(); i++) {
                net.gain(k).putScalar(i, 1 + 0.3 * rng.nextGaussian());
                net.shift(k).putScalar(i, 0.3 * rng.nextGaussian());
            }
        }
    }

    private record Fixture(ConditionalLayout layout, Mlp critic, Mlp generator, WganGp gan, INDArray real, INDArray z,
                           INDArray eps) {
    }
}
