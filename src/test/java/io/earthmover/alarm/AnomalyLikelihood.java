package io.earthmover.alarm;

import org.apache.commons.math3.special.Erf;

/**
 * The reference for {@link KeyAlarm}'s likelihood: nupic's method as nupic computes it, with the
 * raw history of every average ({@code historicWindow} doubles per stream, 70 KB at nupic's 8,640),
 * which is why the service keeps block summaries instead. Test code only: {@code KeyAlarmTest}
 * checks the compact version against it.
 *
 * <p>Numenta's anomaly likelihood (Ahmad, Lavin, Purdy, Agha, "Unsupervised real-time anomaly
 * detection for streaming data", Neurocomputing 262, 2017; nupic {@code anomaly_likelihood.py}),
 * applied to one stream of raw anomaly scores: how unlikely the recent average score is under a
 * normal distribution fitted to this stream's own history. It turns a raw score whose level
 * differs from stream to stream into a score with one meaning, so one threshold fits all streams.
 *
 * <p>Per raw score: the mean of the last {@code averagingWindow} raw scores is compared with a
 * normal fitted (every {@code reestimationPeriod} scores) to the history of those means over the
 * last {@code historicWindow} scores, leaving out the first {@code learningPeriod} (the raw
 * detector was still learning). The two-sided Gaussian tail probability {@code t} of the mean is
 * filtered as nupic does: when this and the previous tail are both in the red zone
 * ({@code t ≤ 1e-5}) it is raised to the yellow level ({@code 1e-3}), so a lasting anomaly
 * alarms once, at its start. The result is nupic's log-likelihood
 * {@code log(t + 1e-10) / log(1e-10)} in [0, 1]: 0.5 at the red level, 0.3 at the yellow one.
 * For the first {@code learningPeriod + estimationSamples} scores it is {@value #PROBATION_SCORE}
 * (likelihood 0.5), as nupic's.
 *
 * <p>Departures from nupic, for a raw score that is a standardised critic deficit rather than a
 * fraction in [0, 1]: no lower bound on the mean (nupic's 0.03), the variance floor (3e-4) kept.
 * Mutable, one instance per stream, not thread-safe.
 */
final class AnomalyLikelihood {
    /** nupic's defaults. */
    public static final int DEFAULT_HISTORIC_WINDOW = 8640;
    public static final int DEFAULT_AVERAGING_WINDOW = 10;
    public static final int DEFAULT_REESTIMATION_PERIOD = 100;
    static final double RED_TAIL = 1e-5;
    static final double YELLOW_TAIL = 1e-3;
    static final double MIN_VARIANCE = 3e-4;
    private static final double LOG_FLOOR = 1e-10;
    /** Log-likelihood of likelihood 0.5, nupic's output while it learns. */
    public static final double PROBATION_SCORE = Math.log(0.5 + LOG_FLOOR) / Math.log(LOG_FLOOR);

    private final int learningPeriod;
    private final int probation;
    private final int reestimationPeriod;
    private final double[] averaging;
    private final double[] means;
    private double averagingSum;
    private long iteration;
    private double mean;
    private double std;
    private boolean estimated;
    private double previousTail = 1.0;

    public AnomalyLikelihood(int learningPeriod, int estimationSamples) {
        this(learningPeriod, estimationSamples, DEFAULT_HISTORIC_WINDOW, DEFAULT_AVERAGING_WINDOW,
                DEFAULT_REESTIMATION_PERIOD);
    }

    public AnomalyLikelihood(int learningPeriod, int estimationSamples, int historicWindow, int averagingWindow,
            int reestimationPeriod) {
        if (learningPeriod < 0 || estimationSamples < 1 || historicWindow <= learningPeriod || averagingWindow < 1
                || reestimationPeriod < 1) {
            throw new IllegalArgumentException("need learningPeriod >= 0, estimationSamples >= 1, historicWindow > "
                    + "learningPeriod, averagingWindow >= 1, reestimationPeriod >= 1");
        }
        this.learningPeriod = learningPeriod;
        this.probation = learningPeriod + estimationSamples;
        this.reestimationPeriod = reestimationPeriod;
        this.averaging = new double[averagingWindow];
        this.means = new double[historicWindow];
    }

    private AnomalyLikelihood(AnomalyLikelihood o) {
        this.learningPeriod = o.learningPeriod;
        this.probation = o.probation;
        this.reestimationPeriod = o.reestimationPeriod;
        this.averaging = o.averaging.clone();
        this.means = o.means.clone();
        this.averagingSum = o.averagingSum;
        this.iteration = o.iteration;
        this.mean = o.mean;
        this.std = o.std;
        this.estimated = o.estimated;
        this.previousTail = o.previousTail;
    }

    /** An independent copy in the same state. */
    public AnomalyLikelihood copy() {
        return new AnomalyLikelihood(this);
    }

    /** The log-likelihood score of the next raw score (higher = more anomalous), in [0, 1]. */
    public double next(double raw) {
        if (!Double.isFinite(raw)) {
            throw new IllegalArgumentException("raw score must be finite: " + raw);
        }
        int a = averaging.length;
        int slot = (int) (iteration % a);
        averagingSum += raw - (iteration >= a ? averaging[slot] : 0.0);
        averaging[slot] = raw;
        double average = averagingSum / Math.min(iteration + 1, a);
        long i = iteration++;
        if (i < probation) {
            means[(int) (i % means.length)] = average;
            return PROBATION_SCORE;
        }
        if (!estimated || i % reestimationPeriod == 0) {
            estimate(i);
        }
        means[(int) (i % means.length)] = average;
        double x = average < mean ? 2 * mean - average : average;
        double tail = 0.5 * Erf.erfc((x - mean) / (std * Math.sqrt(2)));
        double filtered = tail <= RED_TAIL && previousTail <= RED_TAIL ? YELLOW_TAIL : tail;
        previousTail = tail;
        return Math.log(filtered + LOG_FLOOR) / Math.log(LOG_FLOOR);
    }

    /** Fits the normal to the stored means of scores [max(learningPeriod, i − window), i). */
    private void estimate(long i) {
        long from = Math.max(learningPeriod, i - means.length);
        double sum = 0;
        for (long k = from; k < i; k++) {
            sum += means[(int) (k % means.length)];
        }
        long n = i - from;
        double m = sum / n;
        double ss = 0;
        for (long k = from; k < i; k++) {
            double d = means[(int) (k % means.length)] - m;
            ss += d * d;
        }
        mean = m;
        std = Math.sqrt(Math.max(ss / n, MIN_VARIANCE));
        estimated = true;
    }
}
