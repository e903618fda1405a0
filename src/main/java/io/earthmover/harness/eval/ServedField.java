package io.earthmover.harness.eval;

import io.earthmover.harness.ScoreRecord;

/**
 * Which field of what the service emits on {@code anomaly-scores} a benchmark reads as wgan's
 * score. Nothing is computed on top: the benchmark's number is the served field itself.
 */
public enum ServedField {
    /** NAB: {@code alarmScore}, the level {@code anomaly} thresholds (NAB sweeps its own threshold over it). */
    ALARM_SCORE("alarmScore"),
    /** {@code anomaly} itself, 1 or 0: the alarm event (once per anomaly, at its start). */
    ANOMALY("anomaly"),
    /**
     * SKAB: {@code anomalous}, 1 or 0: the state, true from an alarm until the key returns to normal
     * under the policy. SKAB's labels are point-wise, so it reads the state, NAB the event's level.
     */
    ANOMALOUS("anomalous"),
    /**
     * Tabular ranking: {@code critic}, negated (a higher critic value is more normal). The
     * calibrated {@code score} is a monotone function of it that rounds to 1.0 far from the
     * data, so ranking on the critic avoids ties among the most anomalous rows.
     */
    NEGATED_CRITIC("critic");

    private final String field;

    ServedField(String field) {
        this.field = field;
    }

    /** The JSON field read. */
    public String field() {
        return field;
    }

    /** The benchmark score of one served record; a warming-up record gets {@link #unserved()}. */
    public double read(ScoreRecord r) {
        if (!r.scored()) {
            return unserved();
        }
        return switch (this) {
            case ALARM_SCORE -> Double.isNaN(r.alarmScore()) ? unserved() : r.alarmScore();
            case ANOMALY -> r.anomaly() ? 1.0 : 0.0;
            case ANOMALOUS -> r.anomalous() ? 1.0 : 0.0;
            case NEGATED_CRITIC -> -r.critic();
        };
    }

    /**
     * The score of a row the service emitted no score for: no model (training failed or the
     * quality gate refused it), a dead letter, a window still filling. The service raises no alarm
     * for it, so it is the lowest score: 0 for NAB and SKAB, ranked last for tabular.
     */
    public double unserved() {
        return this == NEGATED_CRITIC ? Double.NEGATIVE_INFINITY : 0.0;
    }

    /** Whether the field already is the service's decision, so a protocol must not threshold it again. */
    public boolean decides() {
        return this == ANOMALY || this == ANOMALOUS;
    }
}
