package io.earthmover.harness.eval;

import io.earthmover.model.ModelBundle;

/**
 * Keeps wgan's most anomalous scores in order. The calibrated score's lower-critic tail is
 * {@code 1 - c·exp(Δ/scale)}, which rounds to exactly 1.0 a few dozen tail scales out, so rows far
 * beyond the holdout would tie and a threshold (NAB's sweep, a ranking) could not tell them apart.
 * Above {@value #FROM} the score is therefore {@code FROM + (1 - FROM)·L/(1 + L)} with
 * {@code L = (D_FROM - D) / σ}: the critic's drop below the holdout's {@value #FROM}-score critic
 * value, in holdout standard deviations. Continuous at {@value #FROM}, strictly increasing as the
 * critic falls, below 1 for every finite critic value; scores under {@value #FROM} are unchanged.
 *
 * @param criticAtFrom critic value whose calibrated score is {@value #FROM}
 * @param scale        holdout critic standard deviation (positive)
 */
public record TailOrder(double criticAtFrom, double scale) {
    public static final double FROM = 0.99;

    public static TailOrder of(ModelBundle b) {
        return new TailOrder(b.calibration().criticAt(1 - FROM), Math.max(b.holdoutCriticStd(), 1e-9));
    }

    /** The evaluation score of a row whose calibrated score and critic value the scorer gave. */
    public double apply(double calibrated, double critic) {
        if (calibrated < FROM) {
            return calibrated;
        }
        double l = Math.max(0.0, (criticAtFrom - critic) / scale);
        return FROM + (1 - FROM) * l / (1 + l);
    }
}
