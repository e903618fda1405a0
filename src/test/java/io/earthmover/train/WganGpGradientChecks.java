package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every parameter gradient of the WGAN-GP losses against central finite differences, in double
 * precision, for a critic without ({@link WganGpGradientTest}) and with layer norm
 * ({@link LayerNormWganGpGradientTest}).
 */
abstract class WganGpGradientChecks {
    private static final double H = 1e-6;
    private static final double MAX_REL_ERROR = 1e-6;
    private static final double ROUND_OFF_FLOOR = 1e-3;
    private static final int BATCH = 7;
    private static final int INPUT = 4;
    private static final int LATENT = 3;

    private final Random rng = new Random(7);
    private final Mlp critic;
    private final Mlp generator;
    private final WganGp gan;
    private final INDArray real;
    private final INDArray z;
    private final INDArray eps;

    WganGpGradientChecks(boolean layerNorm) {
        critic = MlpInit.init(new int[] {INPUT, 6, 5, 1}, Mlp.DEFAULT_SLOPE, layerNorm, rng, DataType.DOUBLE);
        generator = MlpInit.init(new int[] {LATENT, 5, INPUT}, Mlp.DEFAULT_SLOPE, rng, DataType.DOUBLE);
        gan = new WganGp(critic, generator);
        real = gaussian(BATCH, INPUT, 1.5);
        z = gaussian(BATCH, LATENT, 1.0);
        eps = uniform(BATCH);
        randomiseBiases(critic);
        randomiseBiases(generator);
        if (layerNorm) {
            // away from gain 1, shift 0, so every term of the norm's derivatives is exercised
            for (int k = 0; k < critic.layers() - 1; k++) {
                randomise(critic.gain(k), 1.0, 0.3);
                randomise(critic.shift(k), 0.0, 0.3);
            }
        }
    }

    Mlp critic() {
        return critic;
    }

    @Test
    void criticLossGradientMatchesFiniteDifferencesForEveryParameter() {
        Mlp.Params grads = critic.zerosLikeParams();
        gan.critic(real, z, eps, 10.0, true, grads);
        int checked = check(critic, grads, () -> gan.critic(real, z, eps, 10.0, true, null).loss());
        assertThat(checked).isEqualTo(critic.parameterCount());
    }

    @Test
    void penaltyAloneGradientMatchesFiniteDifferencesForEveryParameter() {
        Mlp.Params grads = critic.zerosLikeParams();
        gan.critic(real, z, eps, 1.0, false, grads);
        // the penalty must actually depend on the weights, or the check proves nothing
        assertThat(maxAbs(grads.views())).isGreaterThan(1e-3);
        check(critic, grads, () -> gan.critic(real, z, eps, 1.0, false, null).loss());
    }

    @Test
    void l1PenaltyCriticLossGradientMatchesFiniteDifferencesForEveryParameter() {
        // train.gp.norm=l1: (|grad D|_1 - 1)^2, whose derivative by the input gradient is sign(g)
        WganGp banach = new WganGp(critic, generator, GanLoss.WGAN_GP, true);
        Mlp.Params grads = critic.zerosLikeParams();
        WganGp.CriticValues v = banach.critic(real, z, eps, 10.0, true, grads);
        assertThat(v.penalty()).isNotEqualTo(gan.critic(real, z, eps, 10.0, true, null).penalty());
        int checked = check(critic, grads, () -> banach.critic(real, z, eps, 10.0, true, null).loss());
        assertThat(checked).isEqualTo(critic.parameterCount());
    }

    @Test
    void l1PenaltyAloneGradientMatchesFiniteDifferencesAndIsTheL1NormsDeviation() {
        WganGp banach = new WganGp(critic, generator, GanLoss.WGAN_GP, true);
        Mlp.Params grads = critic.zerosLikeParams();
        WganGp.CriticValues v = banach.critic(real, z, eps, 1.0, false, grads);
        // the value: mean over interpolates of (sum_j |dD/dx_j| - 1)^2, from the input gradient itself
        INDArray xh = real.mulColumnVector(eps).addi(generator.output(z).mulColumnVector(eps.rsub(1.0)));
        INDArray g = InputGradientPass.inputGradient(critic, critic.forward(xh)).dx();
        double expected = 0;
        for (int i = 0; i < BATCH; i++) {
            double norm = 0;
            for (int j = 0; j < INPUT; j++) {
                norm += Math.abs(g.getDouble(i, j));
            }
            expected += (norm - 1) * (norm - 1);
        }
        assertThat(v.penalty()).isCloseTo(expected / BATCH, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(maxAbs(grads.views())).isGreaterThan(1e-3);
        check(critic, grads, () -> banach.critic(real, z, eps, 1.0, false, null).loss());
    }

    @Test
    void wassersteinTermAloneGradientMatchesFiniteDifferences() {
        Mlp.Params grads = critic.zerosLikeParams();
        gan.critic(real, z, eps, 0.0, true, grads);
        check(critic, grads, () -> gan.critic(real, z, eps, 0.0, true, null).loss());
    }

    @Test
    void generatorLossGradientMatchesFiniteDifferencesForEveryParameter() {
        Mlp.Params grads = generator.zerosLikeParams();
        gan.generator(z, grads);
        int checked = check(generator, grads, () -> gan.generator(z, null));
        assertThat(checked).isEqualTo(generator.parameterCount());
    }

    @Test
    void ganDiscriminatorLossGradientMatchesFiniteDifferencesForEveryParameter() {
        WganGp gan = new WganGp(critic, generator, GanLoss.GAN);
        Mlp.Params grads = critic.zerosLikeParams();
        WganGp.CriticValues v = gan.critic(real, z, eps, 0.0, true, grads);
        assertThat(v.loss()).isEqualTo(expectedGanCriticLoss(gan, null));
        int checked = check(critic, grads, () -> gan.critic(real, z, eps, 0.0, true, null).loss());
        assertThat(checked).isEqualTo(critic.parameterCount());
    }

    @Test
    void ganDiscriminatorLossWithAuxiliaryNegativesGradientMatchesFiniteDifferences() {
        WganGp gan = new WganGp(critic, generator, GanLoss.GAN);
        INDArray aux = gaussian(3, INPUT, 4.0);
        Mlp.Params grads = critic.zerosLikeParams();
        WganGp.CriticValues v = gan.critic(real, z, aux, eps, 0.0, true, grads);
        assertThat(v.loss()).isEqualTo(expectedGanCriticLoss(gan, aux));
        check(critic, grads, () -> gan.critic(real, z, aux, eps, 0.0, true, null).loss());
    }

    @Test
    void ganNonSaturatingGeneratorLossGradientMatchesFiniteDifferencesForEveryParameter() {
        WganGp gan = new WganGp(critic, generator, GanLoss.GAN);
        Mlp.Params grads = generator.zerosLikeParams();
        double loss = gan.generator(z, grads);
        double[] d = WganGp.values(critic.output(generator.output(z)));
        double expected = 0;
        for (double x : d) {
            expected += Math.log1p(Math.exp(-x));
        }
        assertThat(loss).isCloseTo(expected / d.length, org.assertj.core.data.Offset.offset(1e-12));
        int checked = check(generator, grads, () -> gan.generator(z, null));
        assertThat(checked).isEqualTo(generator.parameterCount());
    }

    @Test
    void clippedCriticLossGradientMatchesFiniteDifferencesAtTheClippedWeights() {
        // wgan-cp trains the Wasserstein term alone (lambda 0) on weights inside [-c, c]
        TrainingLoop.clip(critic, 0.3);
        for (INDArray p : critic.params()) {
            assertThat(p.amaxNumber().doubleValue()).isLessThanOrEqualTo(0.3 + 1e-15);
        }
        WganGp cp = new WganGp(critic, generator, GanLoss.WGAN_CP);
        Mlp.Params grads = critic.zerosLikeParams();
        cp.critic(real, z, eps, 0.0, true, grads);
        assertThat(maxAbs(grads.views())).isGreaterThan(1e-6);
        int checked = check(critic, grads, () -> cp.critic(real, z, eps, 0.0, true, null).loss());
        assertThat(checked).isEqualTo(critic.parameterCount());
    }

    @Test
    void clipBoundsEveryParameterAndLeavesThoseInsideUnchanged() {
        INDArray[] before = copies(critic.params());
        double c = 0.05;
        TrainingLoop.clip(critic, c);
        INDArray[] after = critic.params();
        int clipped = 0;
        for (int k = 0; k < after.length; k++) {
            for (long i = 0; i < after[k].length(); i++) {
                double b = before[k].getDouble(i);
                double a = after[k].getDouble(i);
                assertThat(a).isEqualTo(Math.max(-c, Math.min(c, b)));
                clipped += Math.abs(b) > c ? 1 : 0;
            }
        }
        assertThat(clipped).isGreaterThan(0);
    }

    @Test
    void rmsPropStepsMatchTheFormula() {
        INDArray p = Nd4j.create(new double[] {0.5, -1.0, 2.0}, new long[] {1, 3}, 'c');
        double[] expected = {0.5, -1.0, 2.0};
        double[] s = new double[3];
        RmsProp opt = new RmsProp(p, 0.01);
        double[][] gs = {{0.1, -0.2, 3.0}, {-0.4, 0.0, 1.0}};
        for (double[] g : gs) {
            for (int i = 0; i < 3; i++) {
                s[i] = RmsProp.DECAY * s[i] + (1 - RmsProp.DECAY) * g[i] * g[i];
                expected[i] -= 0.01 * g[i] / (Math.sqrt(s[i]) + RmsProp.EPSILON);
            }
            opt.step(Nd4j.create(g.clone(), new long[] {1, 3}, 'c'));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(p.getDouble(i)).as("param %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    /** mean softplus(-D(real)) + mean softplus(D(fake)), fake = G(z) with its first rows replaced by aux. */
    private double expectedGanCriticLoss(WganGp gan, INDArray aux) {
        double[] dr = WganGp.values(critic.output(real));
        INDArray fake = generator.output(z).dup();
        if (aux != null) {
            for (int i = 0; i < aux.rows(); i++) {
                fake.putRow(i, aux.getRow(i));
            }
        }
        double[] df = WganGp.values(critic.output(fake));
        double sum = 0;
        for (int i = 0; i < dr.length; i++) {
            sum += WganGp.softplus(-dr[i]) + WganGp.softplus(df[i]);
        }
        return sum / dr.length;
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        INDArray x = gaussian(BATCH, INPUT, 1.0);
        INDArray g = InputGradientPass.inputGradient(critic, critic.forward(x)).dx();
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < INPUT; j++) {
                double old = x.getDouble(i, j);
                x.putScalar(new long[] {i, j}, old + H);
                double up = critic.output(x).getDouble(i, 0);
                x.putScalar(new long[] {i, j}, old - H);
                double down = critic.output(x).getDouble(i, 0);
                x.putScalar(new long[] {i, j}, old);
                assertClose(g.getDouble(i, j), (up - down) / (2 * H), "dD/dx[" + i + "," + j + "]");
            }
        }
    }

    @Test
    void penaltyOnlyStepMovesWeightsAndLowersPenalty() {
        INDArray[] before = copies(critic.params());
        double p0 = gan.critic(real, z, eps, 1.0, false, null).penalty();
        assertThat(p0).isGreaterThan(1e-3);
        Adam adam = new Adam(critic.flatParams(), 1e-3, 0.0, 0.9);
        Mlp.Params grads = critic.zerosLikeParams();
        for (int step = 0; step < 5; step++) {
            gan.critic(real, z, eps, 1.0, false, grads);
            adam.step(grads.flat());
        }
        double p1 = gan.critic(real, z, eps, 1.0, false, null).penalty();
        double moved = 0;
        INDArray[] after = critic.params();
        for (int i = 0; i < after.length; i += 2) { // weights (biases get no penalty gradient)
            moved += after[i].sub(before[i]).norm2Number().doubleValue();
        }
        assertThat(moved).isGreaterThan(1e-4);
        assertThat(p1).isLessThan(p0);
    }

    /** Compares every element of grads with a central difference of loss; returns how many were checked. */
    static int check(Mlp net, Mlp.Params g, DoubleSupplier loss) {
        INDArray[] grads = g.views();
        INDArray[] params = net.params();
        int checked = 0;
        for (int k = 0; k < params.length; k++) {
            INDArray p = params[k];
            for (long i = 0; i < p.length(); i++) {
                double old = p.getDouble(i);
                p.putScalar(i, old + H);
                double up = loss.getAsDouble();
                p.putScalar(i, old - H);
                double down = loss.getAsDouble();
                p.putScalar(i, old);
                assertClose(grads[k].getDouble(i), (up - down) / (2 * H), "param " + k + "[" + i + "]");
                checked++;
            }
        }
        return checked;
    }

    private static void assertClose(double analytic, double numeric, String what) {
        // the floor keeps exact zeros (e.g. the output bias in mean D(fake) - mean D(real)) from
        // failing on the central difference's own round-off, about 1e-16 * |L| / H = 1e-10
        double denom = Math.max(Math.abs(analytic) + Math.abs(numeric), ROUND_OFF_FLOOR);
        double rel = Math.abs(analytic - numeric) / denom;
        assertThat(rel).as("%s analytic %s numeric %s", what, analytic, numeric).isLessThan(MAX_REL_ERROR);
    }

    private INDArray gaussian(int rows, int cols, double std) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() * std;
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    private INDArray uniform(int rows) {
        double[] v = new double[rows];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble();
        }
        return Nd4j.create(v, new long[] {rows, 1}, 'c');
    }

    private void randomiseBiases(Mlp net) {
        for (int l = 0; l < net.layers(); l++) {
            randomise(net.bias(l), 0.0, 0.1);
        }
    }

    private void randomise(INDArray a, double mean, double std) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, mean + rng.nextGaussian() * std);
        }
    }

    private static INDArray[] copies(INDArray[] a) {
        INDArray[] c = new INDArray[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].dup();
        }
        return c;
    }

    private static double maxAbs(INDArray[] a) {
        double m = 0;
        for (INDArray x : a) {
            m = Math.max(m, x.amaxNumber().doubleValue());
        }
        return m;
    }
}
