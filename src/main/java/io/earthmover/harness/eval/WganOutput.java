package io.earthmover.harness.eval;

import io.earthmover.model.AnomalyLikelihood;
import io.earthmover.model.ModelBundle;

/**
 * How wgan turns what the scorer emits for a row (calibrated score, critic value, the serving
 * model) into the benchmark's score. The same instance, or a {@link #copy} of it, maps the
 * in-process scores and the ones read back from Kafka, so both paths give the same numbers.
 */
public interface WganOutput {

    /** The score of the next row of the series (stateful outputs remember it). */
    double next(double calibrated, double critic, ModelBundle serving);

    /** An independent copy in the same state. */
    WganOutput copy();

    /** The calibrated score with its extreme tail kept in order ({@link TailOrder}); stateless. */
    static WganOutput tail() {
        return new Tail();
    }

    /**
     * Numenta's anomaly likelihood ({@link AnomalyLikelihood}) of the critic's surprise: how far the
     * critic value lies below the serving model's holdout mean, in holdout standard deviations.
     * The surprise is on one scale whichever model serves, so a retrained model continues the same
     * stream of likelihoods.
     */
    static WganOutput likelihood(int learningPeriod, int estimationSamples) {
        return new Likelihood(new AnomalyLikelihood(learningPeriod, estimationSamples));
    }

    /** The critic's drop below the holdout mean, in holdout standard deviations. */
    static double surprise(double critic, ModelBundle serving) {
        return (serving.holdoutCriticMean() - critic) / Math.max(serving.holdoutCriticStd(), 1e-9);
    }

    /** See {@link #tail}. */
    final class Tail implements WganOutput {
        private ModelBundle model;
        private TailOrder order;

        private Tail() {
        }

        @Override
        public double next(double calibrated, double critic, ModelBundle serving) {
            if (serving != model) {
                model = serving;
                order = TailOrder.of(serving);
            }
            return order.apply(calibrated, critic);
        }

        @Override
        public WganOutput copy() {
            return new Tail();
        }
    }

    /** See {@link #likelihood}. */
    final class Likelihood implements WganOutput {
        private final AnomalyLikelihood likelihood;

        private Likelihood(AnomalyLikelihood likelihood) {
            this.likelihood = likelihood;
        }

        @Override
        public double next(double calibrated, double critic, ModelBundle serving) {
            return likelihood.next(surprise(critic, serving));
        }

        @Override
        public WganOutput copy() {
            return new Likelihood(likelihood.copy());
        }
    }
}
