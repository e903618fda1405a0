package io.earthmover.alarm;

import org.apache.commons.math3.special.Erf;

/**
 * Numenta's anomaly likelihood (Ahmad, Lavin, Purdy, Agha, "Unsupervised real-time anomaly
 * detection for streaming data", Neurocomputing 262, 2017; nupic {@code anomaly_likelihood.py}),
 * the part that is arithmetic: the two-sided Gaussian tail of an averaged score under a fitted
 * normal, nupic's red-zone filter, and its log scale. The state it works on lives in {@link KeyLikelihood}.
 */
final class SurpriseLikelihood {
    /** nupic: a tail this small is the red zone. */
    static final double RED_TAIL = 1e-5;
    /** nupic: a red tail right after a red tail is lowered to this (a lasting anomaly alarms once). */
    static final double YELLOW_TAIL = 1e-3;
    /** nupic's variance floor. */
    static final double MIN_VARIANCE = 3e-4;
    private static final double LOG_FLOOR = 1e-10;
    /** nupic's output while it has no estimate: likelihood 0.5 on the log scale. */
    static final double PROBATION = logScale(0.5);

    private SurpriseLikelihood() {
    }

    /** Two-sided tail probability of {@code x} under N(mean, std²). */
    static double tail(double x, double mean, double std) {
        double away = Math.abs(x - mean);
        return 0.5 * Erf.erfc(away / (std * Math.sqrt(2)));
    }

    /** Upper tail probability P(X ≥ x) of {@code x} under N(mean, std²): above 0.5 below the mean. */
    static double upperTail(double x, double mean, double std) {
        return 0.5 * Erf.erfc((x - mean) / (std * Math.sqrt(2)));
    }

    /** nupic's filter: a red tail right after a red one counts as yellow. */
    static double filtered(double tail, double previousTail) {
        return tail <= RED_TAIL && previousTail <= RED_TAIL ? YELLOW_TAIL : tail;
    }

    /** nupic's log-likelihood {@code log(t + 1e-10) / log(1e-10)}: 0 for t = 1, 0.5 at the red level. */
    static double logScale(double tail) {
        return Math.log(tail + LOG_FLOOR) / Math.log(LOG_FLOOR);
    }
}
