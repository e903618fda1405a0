package io.earthmover.train;

import java.util.Arrays;

/**
 * The adversarial losses of {@code train.loss}. In every one the critic's output (for gan the
 * discriminator's logit, before the sigmoid) is higher for data that looks real, so the scorer
 * reads them all the same way.
 */
public enum GanLoss {
    /** Gulrajani et al. 2017: Wasserstein critic loss plus lambda times the gradient penalty; Adam. */
    WGAN_GP("wgan-gp"),
    /** Arjovsky et al. 2017: Wasserstein critic loss, weights clipped to +-c after each step; RMSProp. */
    WGAN_CP("wgan-cp"),
    /**
     * Goodfellow et al. 2014: discriminator loss {@code mean softplus(-D(x)) + mean softplus(D(G(z)))}
     * (binary cross-entropy of sigmoid(D)); generator loss the non-saturating
     * {@code mean softplus(-D(G(z)))} = -mean log sigmoid(D(G(z))), which the paper recommends
     * over the minimax form because it does not vanish while the discriminator wins; Adam.
     */
    GAN("gan");

    private final String key;

    GanLoss(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Whether the critic is trained on the gradient penalty (the others only report it). */
    boolean penalised() {
        return this == WGAN_GP;
    }

    static GanLoss of(String key) {
        return Arrays.stream(values()).filter(l -> l.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown loss '" + key + "'"));
    }
}
