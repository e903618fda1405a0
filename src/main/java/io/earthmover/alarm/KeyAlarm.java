package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * One key's alarm state and the per-record decision: the anomaly likelihood of the critic's
 * surprise over the key's own history, the range and frozen-value rules, persistence and the
 * refractory period. Each of the first four is a part of the state that stores its own bytes;
 * this class composes them, decides, and keeps the refractory state and the adaptation guard.
 * Mutable; the scorer keeps one per stream task and loads each key's bytes into it.
 *
 * <p><b>Likelihood</b> ({@link KeyLikelihood}, nupic's method): the critic's surprise averaged over
 * the key's last records, judged against a normal fitted to the key's history of those averages
 * (starting from the model's {@link AlarmSeed}); with {@link AlarmPolicy#recurrence} an average the key
 * has shown in enough earlier blocks is not unlikely.
 *
 * <p><b>Range rule</b> ({@link RangeRule}): a feature value more than {@code rangeTolerance} × (max − min)
 * outside the min/max the key has shown so far sets the level to 1. <b>Frozen-value rule</b>
 * ({@link FrozenRule}): a raw value repeated for longer than training ever showed sets the level to 1.
 *
 * <p><b>Persistence</b> ({@link PersistenceRing}): the level reported is the k-th highest of the key's
 * last n levels, so it reaches the threshold only when k of the last n records did. <b>Refractory and re-arming</b>:
 * after an alarm the key's alarm score is 0 for {@code refractory} records and until its level has
 * fallen below {@code rearmLevel}, so a lasting anomaly alarms once, at its start, even when a refit
 * of the normal or noise carries the likelihood across the threshold again.
 *
 * <p><b>State</b>: {@link AlarmResult#anomalous} is true from the alarm until the key has re-armed
 * (its level fell below {@code rearmLevel}): the anomalous period a point-wise consumer shades, where
 * {@code anomaly} is the one event at its start. It needs no state of its own: it is the disarmed flag.
 *
 * <p><b>Guarded adaptation</b> ({@link AlarmPolicy#adaptGuard}, issue 25): without it every record's
 * average joins the likelihood's history and every value widens the range at once, so a lasting
 * anomaly becomes the key's normal: the range grows to include it, and once its averages fill the
 * history the likelihood no longer finds them unlikely. With it, both contributions of a record go
 * through an {@link AdaptationGuard} of {@link AlarmPolicy#adaptDelay} records and are applied only
 * when neither the record nor any of the {@code delay} records after it was {@link AlarmResult#flagged}:
 * a lasting anomaly keeps the key anomalous, a slow drift that is never flagged is learnt late.
 * The averaging window itself (the recent surprises, the signal) is not guarded. The state grows
 * by at most {@code 16 + 8 × (1 + dim) × (delay + 1)} bytes.
 */
public final class KeyAlarm {
    static final byte FORMAT = 1;
    /** Format 1 followed by the {@link AdaptationGuard}'s held entries: written only with the guard on. */
    static final byte FORMAT_GUARDED = 2;
    /** Added to the format: each block's highest average follows its mean and variance (recurrence on). */
    static final byte WITH_MAXIMA = 4;

    private final AlarmPolicy policy;
    private final int dim;
    private final KeyLikelihood likelihood;
    private final RangeRule range;
    private final FrozenRule frozen;
    private final PersistenceRing levels;
    /** Null without guarded adaptation; entries are {average, inputs[0..dim)}. */
    private final AdaptationGuard guard;
    private final double[] entry;
    private final double[] released;
    /** Operator feedback's raise of the threshold for the next record ({@link FeedbackAdjustment}); not stored here. */
    private double thresholdRaise;

    private long records;
    private int refractoryLeft;
    private boolean disarmed;

    public KeyAlarm(AlarmPolicy policy, int dim) {
        this.policy = policy;
        this.dim = dim;
        this.likelihood = new KeyLikelihood(policy);
        this.range = new RangeRule(policy, dim);
        this.frozen = new FrozenRule(policy, dim);
        this.levels = new PersistenceRing(policy.persistenceN());
        this.guard = policy.adaptGuard() ? new AdaptationGuard(1 + dim, policy.adaptDelay()) : null;
        this.entry = guard == null ? null : new double[1 + dim];
        this.released = guard == null ? null : new double[1 + dim];
    }

    /** Starts a new key from the model's seed. */
    public void reset(AlarmSeed seed) {
        records = 0;
        likelihood.reset(seed);
        levels.reset();
        refractoryLeft = 0;
        disarmed = false;
        if (guard != null) {
            guard.reset();
        }
        frozen.reset(seed);
        range.reset(seed);
    }

    /**
     * Raises the threshold of the next decisions by {@code raise} (0 = none): the key's
     * {@link FeedbackAdjustment}, which lives in its own store, so the caller sets it per record.
     */
    public void thresholdRaise(double raise) {
        this.thresholdRaise = raise;
    }

    /** Records this key has been scored on (seed excluded). */
    public long records() {
        return records;
    }

    /**
     * The decision for the key's next scored record.
     *
     * @param surprise       (holdout critic mean − critic) / holdout critic std of the serving model
     * @param score          the calibrated score
     * @param modelThreshold the serving model's score threshold (used by the score signal)
     * @param raw            the record's raw feature values
     */
    public void next(double surprise, double score, double modelThreshold, double[] raw, AlarmResult out) {
        next(surprise, score, modelThreshold, raw, raw, out);
    }

    /**
     * As {@link #next(double, double, double, double[], AlarmResult)}, with the values the range rule
     * watches ({@code inputs}: the model's inputs, standardised per key when the model is) apart from
     * the record's raw values (the frozen-value rule watches those).
     */
    public void next(double surprise, double score, double modelThreshold, double[] inputs, double[] raw,
            AlarmResult out) {
        next(surprise, score, modelThreshold, inputs, raw, true, out);
    }

    /**
     * As above; with {@code criticTrusted} false (a model serving as the quality gate's rules-only
     * fallback) the critic's signal never alarms: the level is 0 but for the range and frozen-value
     * rules, and no likelihood is reported. The likelihood's history still learns the surprises, so
     * nothing about the key's state depends on the flag.
     */
    public void next(double surprise, double score, double modelThreshold, double[] inputs, double[] raw,
            boolean criticTrusted, AlarmResult out) {
        records++;
        out.likelihood = likelihood.next(surprise);
        double level;
        double threshold;
        AlarmResult.Reason reason;
        if (policy.signal() == AlarmPolicy.Signal.SCORE) {
            level = score;
            threshold = modelThreshold;
            reason = AlarmResult.Reason.SCORE;
        } else {
            level = out.likelihood;
            threshold = policy.threshold();
            reason = AlarmResult.Reason.LIKELIHOOD;
        }
        threshold += thresholdRaise;
        if (!criticTrusted) {
            level = 0;
            out.likelihood = Double.NaN;
        }
        double signalLevel = level;
        boolean outside = policy.range() && range.outside(inputs, records);
        boolean stuck = frozen.frozen(raw);
        if (outside || stuck) {
            level = 1.0;
            if (!outside) {
                reason = AlarmResult.Reason.FROZEN;
            }
        }
        levels.add(level, outside);
        double persisted = levels.kthHighest(policy.persistenceK());
        out.threshold = threshold;
        boolean atThreshold = signalLevel >= threshold || level >= threshold || persisted >= threshold;
        if (disarmed && persisted < policy.rearmLevel()) {
            disarmed = false;
        }
        if (refractoryLeft > 0 || disarmed) {
            refractoryLeft = Math.max(0, refractoryLeft - 1);
            out.alarmScore = 0;
            out.anomaly = false;
            out.reason = null;
            out.anomalous = disarmed;
            learn(inputs, out, atThreshold);
            return;
        }
        out.alarmScore = persisted;
        out.anomaly = persisted >= threshold;
        out.reason = out.anomaly ? (levels.rangeAmongAlarming(threshold) ? AlarmResult.Reason.RANGE : reason) : null;
        if (out.anomaly) {
            refractoryLeft = policy.refractory();
            disarmed = true;
        }
        out.anomalous = out.anomaly;
        learn(inputs, out, atThreshold);
    }

    /**
     * Sets {@link AlarmResult#flagged} and, under the guard, offers the record's average and inputs;
     * a clean released entry joins the history and the range. Without the guard both joined already.
     */
    private void learn(double[] inputs, AlarmResult out, boolean atThreshold) {
        out.flagged = atThreshold || out.anomalous;
        if (guard == null) {
            return;
        }
        entry[0] = likelihood.lastAverage();
        System.arraycopy(inputs, 0, entry, 1, dim);
        if (guard.offer(entry, out.flagged, released)) {
            likelihood.learn(released[0]);
            if (policy.range()) {
                range.widen(released, 1);
            }
        }
    }

    /** Serialised size, bounded by the policy and the dimension whatever the key's history length. */
    public int storedSize() {
        return (guard == null ? 0 : guard.storedSize()) + 1 + 4 * 4 + 8 + likelihood.storedSize()
                + range.storedSize() + levels.storedSize() + 4 + 1 + frozen.storedSize();
    }

    /** The parts' bytes in the order of the stored format (unchanged since the parts were split out). */
    public void store(ByteBuffer b) {
        b.put((byte) ((guard == null ? FORMAT : FORMAT_GUARDED) | (likelihood.keepsMaxima() ? WITH_MAXIMA : 0))).putInt(dim)
                .putInt(likelihood.averaging()).putInt(likelihood.historyCapacity()).putInt(levels.length());
        b.putLong(records);
        likelihood.store(b);
        range.store(b);
        levels.store(b);
        b.putInt(refractoryLeft).put((byte) (disarmed ? 1 : 0));
        frozen.store(b);
        if (guard != null) {
            guard.store(b);
        }
    }

    /**
     * Loads a key's state; false (and nothing loaded) when it was written under another policy shape
     * or dimension, or is not this format: the caller then {@link #reset}s the key. Both formats
     * load whether the guard is on or not: a state written without the guard starts the guard empty
     * (nothing learnt for the next {@code delay} records), a guarded state loaded without the guard
     * drops its held entries.
     */
    public boolean load(ByteBuffer b) {
        if (b.remaining() < 17) {
            return false;
        }
        byte format = b.get();
        boolean maxima = (format & WITH_MAXIMA) != 0;
        format &= ~WITH_MAXIMA;
        if ((format != FORMAT && format != FORMAT_GUARDED) || b.getInt() != dim || b.getInt() != likelihood.averaging()
                || b.getInt() != likelihood.historyCapacity() || b.getInt() != levels.length()) {
            return false;
        }
        records = b.getLong();
        likelihood.load(b, maxima);
        range.load(b);
        levels.load(b);
        refractoryLeft = b.getInt();
        disarmed = b.get() == 1;
        frozen.load(b);
        if (guard != null) {
            if (format == FORMAT_GUARDED) {
                guard.load(b);
            } else {
                guard.reset();
            }
        }
        return true;
    }
}
