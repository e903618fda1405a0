package io.earthmover.alarm;

/** What the alarm layer decided for one record; mutable and reused, copy what you need. */
public final class AlarmResult {
    /** Why an alarm fired. */
    public enum Reason {
        LIKELIHOOD, RANGE, FROZEN, SCORE;

        // computed once: it is written into every flagged record's JSON
        private final String label = name().toLowerCase(java.util.Locale.ROOT);

        public String label() {
            return label;
        }
    }

    /** The key's anomaly likelihood of this record's surprise, nupic's log scale in [0, 1]. */
    public double likelihood;
    /** The level {@code anomaly} thresholds: the signal after the range rule, persistence and the refractory mask. */
    public double alarmScore;
    /** The threshold {@link #alarmScore} was compared with. */
    public double threshold;
    /** {@code alarmScore >= threshold}: the service's decision. */
    public boolean anomaly;
    /**
     * The state: true from an alarm until the key returns to normal under the policy (its level has
     * fallen below {@code alarm.rearm.level}); true whenever {@link #anomaly} is.
     */
    public boolean anomalous;
    /**
     * Whether the record counts as flagged for guarded adaptation ({@link AdaptationGuard}): its
     * level or persisted level reached the threshold, or the key is {@link #anomalous}. Not served.
     */
    public boolean flagged;
    /** Why it alarmed; null when {@link #anomaly} is false. */
    public Reason reason;
}
