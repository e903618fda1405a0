package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cycle-consistency loss's gradients (encoder and generator) against central finite
 * differences in double precision, relative error below 1e-6 (the checks of
 * {@link WganGpGradientChecks#check}), and the generator step's sum of both losses.
 */
class CycleLossGradientTest {
    private static final int BATCH = 6;
    private static final int INPUT = 4;
    private static final int LATENT = 2;
    private static final double WEIGHT = 10.0;

    private final Random rng = new Random(11);
    private final Mlp encoder = MlpInit.init(new int[] {INPUT, 5, LATENT}, Mlp.DEFAULT_SLOPE, rng, DataType.DOUBLE);
    private final Mlp generator = MlpInit.init(new int[] {LATENT, 5, INPUT}, Mlp.DEFAULT_SLOPE, rng, DataType.DOUBLE);
    private final Mlp critic = MlpInit.init(new int[] {INPUT, 6, 1}, Mlp.DEFAULT_SLOPE, rng, DataType.DOUBLE);
    private final INDArray real = gaussian(BATCH, INPUT);

    CycleLossGradientTest() {
        for (Mlp net : new Mlp[] {encoder, generator}) {
            for (int l = 0; l < net.layers(); l++) {
                INDArray b = net.bias(l);
                for (long i = 0; i < b.length(); i++) {
                    b.putScalar(i, 0.1 * rng.nextGaussian());
                }
            }
        }
    }

    @Test
    void encoderGradientMatchesFiniteDifferencesForEveryParameter() {
        Mlp.Params grads = encoder.zerosLikeParams();
        CycleLoss.loss(encoder, generator, real, WEIGHT, grads, null);
        int checked = WganGpGradientChecks.check(encoder, grads, () -> CycleLoss.loss(encoder, generator, real, WEIGHT, null, null));
        assertThat(checked).isEqualTo(encoder.parameterCount());
    }

    @Test
    void generatorGradientMatchesFiniteDifferencesForEveryParameter() {
        Mlp.Params grads = generator.zerosLikeParams();
        CycleLoss.loss(encoder, generator, real, WEIGHT, null, grads);
        int checked = WganGpGradientChecks.check(generator, grads, () -> CycleLoss.loss(encoder, generator, real, WEIGHT, null, null));
        assertThat(checked).isEqualTo(generator.parameterCount());
    }

    @Test
    void lossIsTheWeightedMeanSquaredReconstructionError() {
        INDArray diff = generator.output(encoder.output(real)).sub(real);
        double expected = 0;
        for (long i = 0; i < diff.length(); i++) {
            expected += diff.getDouble(i) * diff.getDouble(i);
        }
        expected *= WEIGHT / diff.length();
        assertThat(CycleLoss.loss(encoder, generator, real, WEIGHT, null, null)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void generatorStepGradientIsTheSumOfTheAdversarialAndCycleGradients() {
        // what the training loop does: adversarial gradient first, the cycle loss's added on top
        WganGp gan = new WganGp(critic, generator);
        INDArray z = gaussian(BATCH, LATENT);
        Mlp.Params grads = generator.zerosLikeParams();
        gan.generator(z, grads);
        CycleLoss.loss(encoder, generator, real, WEIGHT, null, grads);
        WganGpGradientChecks.check(generator, grads,
                () -> gan.generator(z, null) + CycleLoss.loss(encoder, generator, real, WEIGHT, null, null));
    }

    private INDArray gaussian(int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() * 1.5;
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }
}
