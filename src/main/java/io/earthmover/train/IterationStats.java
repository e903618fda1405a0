package io.earthmover.train;

/**
 * Figures of one generator iteration.
 *
 * @param iteration           1-based generator iteration
 * @param maxIterations       the configured maximum
 * @param epoch               passes over the training inputs so far (critic samples / training size)
 * @param wasserstein         mean D(real) - mean D(fake), averaged over this iteration's critic steps
 * @param smoothedWasserstein exponential moving average of it (drives early stopping)
 * @param gradientPenalty     mean (|grad D| - 1)^2 of the critic steps, before lambda
 * @param criticLoss          critic loss including lambda times the penalty
 * @param generatorLoss       -mean D(G(z))
 * @param samplesPerSecond    real samples through critic steps per second of training so far
 * @param elapsedSeconds      wall time so far
 * @param etaSeconds          estimated time to the maximum iterations
 */
public record IterationStats(int iteration, int maxIterations, double epoch, double wasserstein,
                             double smoothedWasserstein, double gradientPenalty, double criticLoss,
                             double generatorLoss, double samplesPerSecond, double elapsedSeconds, double etaSeconds) {
}
