package io.earthmover.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * TadGAN's cycle consistency (Geiger et al. 2020, "TadGAN: Time Series Anomaly Detection Using
 * Generative Adversarial Networks"), the x-side term: an encoder E maps a record to the
 * generator's latent space and {@code G(E(x))} must give the record back,
 * <pre>
 *   L_cyc = weight * mean over rows and inputs of (G(E(x)) - x)^2
 * </pre>
 * Its gradient flows into both networks (TadGAN trains E and G on it jointly), so the generator
 * learns to cover every normal record, not only the critic's blind spots, and the scorer gets a
 * reconstruction: the record the model expected.
 */
final class CycleLoss {
    private CycleLoss() {
    }

    /**
     * The loss on {@code real} and, when the grads are not null, its gradients <b>added</b> into
     * {@code encoderGrads} and {@code generatorGrads} (so they can sit on top of the generator's
     * adversarial gradient).
     *
     * @return the loss (with its weight)
     */
    static double loss(Mlp encoder, Mlp generator, INDArray real, double weight, Mlp.Params encoderGrads,
            Mlp.Params generatorGrads) {
        long n = real.rows();
        long d = real.columns();
        Mlp.Forward fe = encoder.forward(real);
        Mlp.Forward fg = generator.forward(fe.out());
        INDArray diff = fg.out().sub(real);
        double sq = diff.norm2Number().doubleValue();
        double value = weight * sq * sq / (n * d);
        if (encoderGrads != null || generatorGrads != null) {
            INDArray dOut = diff.muli(2.0 * weight / (n * d));
            INDArray dz = generator.backward(fg, dOut, generatorGrads, 1.0, true).dx();
            encoder.backward(fe, dz, encoderGrads, 1.0, false);
        }
        return value;
    }
}
