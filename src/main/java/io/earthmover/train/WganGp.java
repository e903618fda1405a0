package io.earthmover.train;

import io.earthmover.model.Mlp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * WGAN-GP losses and their exact gradients (Gulrajani et al. 2017), written out by hand:
 * <pre>
 *   critic    L_D = mean D(G(z)) - mean D(x) + lambda * mean((|grad_x D(xh)|_2 - 1)^2),
 *             xh = eps * x + (1 - eps) * G(z), eps ~ U(0,1) per sample
 *   generator L_G = -mean D(G(z))
 * </pre>
 * The penalty's weight gradient is the backward pass of the input-gradient pass
 * ({@link Mlp#inputGradientBackward}). Package-private: only the trainer and its tests use it.
 */
final class WganGp {
    /** Guards the division by the gradient norm when a row's input gradient is exactly zero. */
    static final double NORM_EPS = 1e-12;

    private final Mlp critic;
    private final Mlp generator;

    WganGp(Mlp critic, Mlp generator) {
        this.critic = critic;
        this.generator = generator;
    }

    Mlp critic() {
        return critic;
    }

    Mlp generator() {
        return generator;
    }

    /** Scalars of one critic evaluation. {@code wasserstein} = mean D(real) - mean D(fake); {@code penalty} before lambda. */
    record CriticValues(double meanReal, double meanFake, double penalty, double loss) {
        double wasserstein() {
            return meanReal - meanFake;
        }
    }

    /**
     * Critic loss for a batch and, when {@code grads} is not null, its gradient written into
     * {@code grads} (overwritten).
     *
     * @param withWasserstein include the {@code mean D(fake) - mean D(real)} term
     * @param lambda          penalty weight (0 leaves the penalty out of loss and gradient,
     *                        though its value is still reported)
     */
    CriticValues critic(INDArray real, INDArray z, INDArray eps, double lambda, boolean withWasserstein, Mlp.Params grads) {
        if (grads != null) {
            grads.zero();
        }
        long n = real.rows();
        INDArray fake = generator.output(z);

        // Wasserstein term on real and fake rows in one pass.
        INDArray both = Nd4j.vstack(real, fake);
        Mlp.Forward fb = critic.forward(both);
        INDArray dOut = Nd4j.createUninitialized(real.dataType(), 2 * n, 1);
        dOut.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).assign(-1.0 / n);
        dOut.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(n, 2 * n)).assign(1.0 / n);
        double sumAll = fb.out().sumNumber().doubleValue();
        double meanReal = fb.out().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).sumNumber().doubleValue() / n;
        double meanFake = (sumAll - meanReal * n) / n;
        if (withWasserstein && grads != null) {
            critic.backward(fb, dOut, grads, 1.0, false);
        }

        // Gradient penalty at the interpolates.
        INDArray xh = real.sub(fake).muliColumnVector(eps).addi(fake);
        Mlp.Forward fh = critic.forward(xh);
        Mlp.Backward ig = critic.inputGradient(fh);
        INDArray g = ig.dx();
        INDArray norm = g.norm2(1).reshape(n, 1);
        INDArray dev = norm.sub(1.0);
        double penalty = dev.mul(dev).sumNumber().doubleValue() / n;
        if (lambda != 0 && grads != null) {
            // dP/dg_i = (2/n) (|g_i| - 1) g_i / |g_i|
            INDArray coef = dev.div(Transforms.max(norm, NORM_EPS, true)).muli(2.0 / n);
            INDArray gBar = g.mulColumnVector(coef);
            critic.inputGradientBackward(fh, ig, gBar, grads, lambda);
        }
        double loss = (withWasserstein ? meanFake - meanReal : 0) + lambda * penalty;
        return new CriticValues(meanReal, meanFake, penalty, loss);
    }

    /** Generator loss {@code -mean D(G(z))}; gradient into {@code grads} (overwritten) when not null. */
    double generator(INDArray z, Mlp.Params grads) {
        long n = z.rows();
        Mlp.Forward fg = generator.forward(z);
        Mlp.Forward fc = critic.forward(fg.out());
        double loss = -fc.out().sumNumber().doubleValue() / n;
        if (grads != null) {
            grads.zero();
            INDArray dOut = Nd4j.valueArrayOf(new long[] {n, 1}, -1.0 / n, z.dataType());
            INDArray dx = critic.backward(fc, dOut, null, 1.0).dx();
            generator.backward(fg, dx, grads, 1.0);
        }
        return loss;
    }
}
