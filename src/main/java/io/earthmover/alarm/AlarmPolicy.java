package io.earthmover.alarm;

/**
 * The per-key alarm layer's settings (configuration keys {@code alarm.*}).
 *
 * @param enabled          false: {@code anomaly} is the calibrated score against the model's threshold, no key state
 * @param signal           what the layer thresholds: the key's anomaly likelihood, or the calibrated score
 * @param threshold        alarm level of the likelihood signal (the score signal uses the model's threshold)
 * @param averaging        surprises averaged before the likelihood (nupic: 10)
 * @param history          records of the key's history the likelihood's normal is fitted to (nupic: 8640)
 * @param block            records per summary block, also how often the normal is refitted (nupic: 100)
 * @param range            the range rule is on
 * @param rangeTolerance   how far beyond the key's min/max, as a share of its range, a value must lie
 * @param persistenceK     the level must reach the threshold on at least k ...
 * @param persistenceN     ... of the key's last n scored records
 * @param refractory       records after an alarm during which the key does not alarm again (0 = none)
 * @param rearmLevel       after an alarm the key alarms again only once its level has been below this
 * @param frozen           the frozen-value rule is on
 * @param adaptGuard       guarded adaptation ({@link AdaptationGuard}): the key's adaptive statistics learn a record
 *                         only {@code adaptDelay} records late, and only when neither it nor those records were flagged
 * @param adaptDelay       records a contribution is held for under the guard
 * @param tail             which deviations of the averaged signal from the key's normal the likelihood counts
 * @param recurrence       k: an average no higher than the highest average of k earlier blocks is not unlikely (0 = off)
 * @param frozenLearn      the frozen-value rule's limit also grows with the key's own runs, not only training's
 * @param squash           how each surprise enters the likelihood's average (log: {@code sign(s) ln(1 + |s|)})
 */
public record AlarmPolicy(boolean enabled, Signal signal, double threshold, int averaging, int history, int block,
                          boolean range, double rangeTolerance, int persistenceK, int persistenceN, int refractory,
                          double rearmLevel, boolean frozen, boolean adaptGuard, int adaptDelay, Tail tail, int recurrence,
                          boolean frozenLearn, Squash squash) {

    /** Most records {@code alarm.adapt.delay} may hold (bounds the per-key state). */
    public static final int MAX_ADAPT_DELAY = 10_000;

    /** A policy without guarded adaptation (every record is learnt at once, as before issue 25). */
    public AlarmPolicy(boolean enabled, Signal signal, double threshold, int averaging, int history, int block,
            boolean range, double rangeTolerance, int persistenceK, int persistenceN, int refractory,
            double rearmLevel, boolean frozen) {
        this(enabled, signal, threshold, averaging, history, block, range, rangeTolerance, persistenceK, persistenceN,
                refractory, rearmLevel, frozen, false, 0);
    }

    /** A policy with nupic's two-sided likelihood, as before {@code alarm.likelihood.tail}. */
    public AlarmPolicy(boolean enabled, Signal signal, double threshold, int averaging, int history, int block,
            boolean range, double rangeTolerance, int persistenceK, int persistenceN, int refractory,
            double rearmLevel, boolean frozen, boolean adaptGuard, int adaptDelay) {
        this(enabled, signal, threshold, averaging, history, block, range, rangeTolerance, persistenceK, persistenceN,
                refractory, rearmLevel, frozen, adaptGuard, adaptDelay, Tail.BOTH);
    }

    /** A policy without the recurrence test and the frozen-value rule's learning, as before either. */
    public AlarmPolicy(boolean enabled, Signal signal, double threshold, int averaging, int history, int block,
            boolean range, double rangeTolerance, int persistenceK, int persistenceN, int refractory,
            double rearmLevel, boolean frozen, boolean adaptGuard, int adaptDelay, Tail tail) {
        this(enabled, signal, threshold, averaging, history, block, range, rangeTolerance, persistenceK, persistenceN,
                refractory, rearmLevel, frozen, adaptGuard, adaptDelay, tail, 0, false, Squash.NONE);
    }

    /**
     * Which deviations the likelihood counts ({@code alarm.likelihood.tail}). nupic reflects a value
     * below the mean onto the upper side, so a stretch the critic finds <em>more</em> normal than the
     * key's history is as unlikely as one it finds less normal; {@code UPPER} counts only the latter.
     */
    public enum Tail {
        BOTH, UPPER
    }


    /**
     * How a surprise enters the likelihood's average ({@code alarm.likelihood.squash}). The surprise is
     * unbounded, so one extreme record can move a 10-record average as much as ten surprising ones;
     * {@code LOG} compresses it to {@code sign(s) ln(1 + |s|)} first (HTM's raw score, which nupic's
     * likelihood was built for, is bounded in [0, 1]).
     */
    public enum Squash {
        NONE, LOG;

        /** The squash a configuration value names ({@code none}, {@code log}; any case); also how a bundle's seed reads it. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Squash named(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }

        /** The configuration value that names it ({@code none}, {@code log}); a bundle's seed is written with it too. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The surprise as the likelihood averages it. */
        public double apply(double surprise) {
            return this == LOG ? Math.copySign(Math.log1p(Math.abs(surprise)), surprise) : surprise;
        }
    }

    /** What {@code anomaly} thresholds. */
    public enum Signal {
        LIKELIHOOD, SCORE
    }

    public AlarmPolicy {
        if (averaging < 1 || block < 1 || history < block || persistenceN < 1 || persistenceK < 1
                || persistenceK > persistenceN || refractory < 0 || !(rangeTolerance >= 0) || !(rearmLevel >= 0) || adaptDelay < 0
                || adaptDelay > MAX_ADAPT_DELAY || tail == null || recurrence < 0 || squash == null) {
            throw new IllegalArgumentException("invalid alarm policy " + this);
        }
    }

    /** Summary blocks a key keeps: enough to cover {@link #history} records. */
    public int blocks() {
        return (history + block - 1) / block;
    }
}
