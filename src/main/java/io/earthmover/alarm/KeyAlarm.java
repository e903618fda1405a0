package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * One key's alarm state and the per-record decision: the anomaly likelihood of the critic's
 * surprise over the key's own history, the range rule, persistence and the refractory period.
 * Mutable; the scorer keeps one per stream task and loads each key's bytes into it.
 *
 * <p><b>Likelihood</b> (nupic's method, {@link SurpriseLikelihood}): the surprise (how far the critic
 * lies below the model's holdout mean, in holdout standard deviations: one scale for every model)
 * is averaged over the last {@code averaging} records (first compressed to {@code sign(s) ln(1 + |s|)}
 * with {@link AlarmPolicy#squash} {@code LOG}; off by default); a normal fitted to the history of those
 * averages over the last {@code history} records gives the average's two-sided tail, filtered and
 * put on nupic's log scale. The history is a ring of summary blocks ({@link SurpriseHistory}),
 * refitted whenever a block completes (nupic refits every 100 records, the default block); a new
 * key starts with the model's {@link AlarmSeed} as its normal, so the likelihood is active from the
 * key's first record.
 *
 * <p><b>Range rule</b> (HTM's spatial anomaly in NAB's numenta detector): a raw feature value more
 * than {@code rangeTolerance} × (max − min) outside the min/max the key has shown so far (starting
 * from the training range) sets the level to 1; the range then grows to include it. A key whose
 * model has no training range (format 1) learns it from its own records and alarms on it only after
 * {@code block} records.
 *
 * <p><b>Frozen-value rule</b> (a stuck sensor): a raw value repeated exactly for more than twice the
 * longest run of one value in the training records, and more than {@value #FROZEN_MIN} times, sets
 * the level to 1. Off for keys whose model does not know the training runs. With
 * {@link AlarmPolicy#frozenLearn} the limit also grows with the key's own runs, as the range rule's
 * range grows with its values: each run, when it ends, raises the limit to twice its length if that
 * is more (so a series whose values plateau longer than training showed alarms on its first such
 * plateau, not on every one).
 *
 * <p><b>Persistence</b>: the level reported is the k-th highest of the key's last n levels, so it
 * reaches the threshold only when k of the last n records did. <b>Refractory and re-arming</b>:
 * after an alarm the key's alarm score is 0 for {@code refractory} records and until its level has
 * fallen below {@code rearmLevel}, so a lasting anomaly alarms once, at its start, even when a refit
 * of the normal or noise carries the likelihood across the threshold again.
 *
 * <p><b>Recurring surprise</b> ({@link AlarmPolicy#recurrence}, off by default): each block of the
 * history also keeps its highest average. An average no higher than the highest of at least k
 * earlier blocks is something the key has shown k times already (a daily or hourly spike of a
 * periodic series, which a window critic finds rare every time it comes round): its tail is held at
 * nupic's yellow level, below the red zone, so it does not alarm. An average above all but fewer than
 * k blocks' highest is judged as nupic judges it. nupic has no such test: HTM's raw score falls to 0
 * on a transition it has learnt, the critic's does not.
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
    /** Fewest repeats of one value the frozen-value rule alarms on, whatever training showed. */
    static final int FROZEN_MIN = 5;

    private final AlarmPolicy policy;
    private final int dim;
    private final double[] recent;
    private final SurpriseHistory history;
    private final double[] min;
    private final double[] max;
    private final float[] levels;
    private final boolean[] rangeLevels;
    private final float[] scratch;
    private final double[] lastValue;
    private final int[] run;
    private final int[] frozenAfter;
    /** Null without guarded adaptation; entries are {average, inputs[0..dim)}. */
    private final AdaptationGuard guard;
    private final double[] entry;
    private final double[] released;
    private double lastAverage;
    /** Operator feedback's raise of the threshold for the next record ({@link FeedbackAdjustment}); not stored here. */
    private double thresholdRaise;

    private long records;
    private int recentCount;
    private int recentPos;
    private double previousTail;
    private boolean hasRange;
    private boolean rangeSeeded;
    private int levelCount;
    private int levelPos;
    private int refractoryLeft;
    private boolean disarmed;

    public KeyAlarm(AlarmPolicy policy, int dim) {
        this.policy = policy;
        this.dim = dim;
        this.recent = new double[policy.averaging()];
        this.history = new SurpriseHistory(policy);
        this.min = new double[dim];
        this.max = new double[dim];
        this.levels = new float[policy.persistenceN()];
        this.rangeLevels = new boolean[policy.persistenceN()];
        this.scratch = new float[policy.persistenceN()];
        this.lastValue = new double[dim];
        this.run = new int[dim];
        this.frozenAfter = new int[dim];
        this.guard = policy.adaptGuard() ? new AdaptationGuard(1 + dim, policy.adaptDelay()) : null;
        this.entry = guard == null ? null : new double[1 + dim];
        this.released = guard == null ? null : new double[1 + dim];
    }

    /** Starts a new key from the model's seed. */
    public void reset(AlarmSeed seed) {
        records = 0;
        recentCount = 0;
        recentPos = 0;
        history.reset(seed);
        previousTail = 1.0;
        levelCount = 0;
        levelPos = 0;
        refractoryLeft = 0;
        disarmed = false;
        if (guard != null) {
            guard.reset();
        }
        java.util.Arrays.fill(run, 0);
        boolean runsKnown = policy.frozen() && seed.longestRun() != null && seed.longestRun().length == dim;
        for (int j = 0; j < dim; j++) {
            // more than twice the longest run training showed, and at least FROZEN_MIN records; 0 = off
            frozenAfter[j] = runsKnown ? Math.max(FROZEN_MIN, 2 * seed.longestRun()[j]) : 0;
        }
        hasRange = seed.hasRange() && seed.featureMin().length == dim;
        rangeSeeded = hasRange;
        if (hasRange) {
            System.arraycopy(seed.featureMin(), 0, min, 0, dim);
            System.arraycopy(seed.featureMax(), 0, max, 0, dim);
        }
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
        out.likelihood = likelihood(surprise);
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
        boolean outside = policy.range() && outsideRange(inputs);
        boolean frozen = frozen(raw);
        if (outside || frozen) {
            level = 1.0;
            if (!outside) {
                reason = AlarmResult.Reason.FROZEN;
            }
        }
        levels[levelPos] = (float) level;
        rangeLevels[levelPos] = outside;
        levelPos = (levelPos + 1) % levels.length;
        levelCount = Math.min(levelCount + 1, levels.length);
        double persisted = kthHighest(policy.persistenceK());
        out.threshold = threshold;
        if (disarmed && persisted < policy.rearmLevel()) {
            disarmed = false;
        }
        if (refractoryLeft > 0 || disarmed) {
            refractoryLeft = Math.max(0, refractoryLeft - 1);
            out.alarmScore = 0;
            out.anomaly = false;
            out.reason = null;
            out.anomalous = disarmed;
            learn(inputs, out, signalLevel >= threshold || level >= threshold || persisted >= threshold);
            return;
        }
        out.alarmScore = persisted;
        out.anomaly = persisted >= threshold;
        out.reason = out.anomaly ? (rangeAmongAlarming(threshold) ? AlarmResult.Reason.RANGE : reason) : null;
        if (out.anomaly) {
            refractoryLeft = policy.refractory();
            disarmed = true;
        }
        out.anomalous = out.anomaly;
        learn(inputs, out, signalLevel >= threshold || level >= threshold || persisted >= threshold);
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
        entry[0] = lastAverage;
        System.arraycopy(inputs, 0, entry, 1, dim);
        if (guard.offer(entry, out.flagged, released)) {
            history.add(released[0]);
            if (policy.range()) {
                for (int j = 0; j < dim; j++) {
                    double v = released[1 + j];
                    if (v > max[j]) {
                        max[j] = v;
                    }
                    if (v < min[j]) {
                        min[j] = v;
                    }
                }
            }
        }
    }

    private double likelihood(double surprise) {
        recent[recentPos] = policy.squash().apply(surprise);
        recentPos = (recentPos + 1) % recent.length;
        recentCount = Math.min(recentCount + 1, recent.length);
        double sum = 0;
        for (int i = 0; i < recentCount; i++) {
            sum += recent[i];
        }
        double average = sum / recentCount;
        double result = SurpriseLikelihood.PROBATION;
        if (history.estimated()) {
            // a key's first averages are over fewer records, so they spread more: sqrt(averaging / n) wider
            double std = history.std();
            double spread = recentCount < recent.length ? std * Math.sqrt((double) recent.length / recentCount) : std;
            double t = policy.tail() == AlarmPolicy.Tail.UPPER ? SurpriseLikelihood.upperTail(average, history.mean(), spread)
                    : SurpriseLikelihood.tail(average, history.mean(), spread);
            if (history.recurring(average)) {
                t = Math.max(t, SurpriseLikelihood.YELLOW_TAIL);
            }
            result = SurpriseLikelihood.logScale(SurpriseLikelihood.filtered(t, previousTail));
            previousTail = t;
        }
        lastAverage = average;
        if (guard == null) {
            history.add(average);
        }
        return result;
    }

    /** Whether any value lies beyond the key's range by more than the tolerance; then widens the range. */
    private boolean outsideRange(double[] raw) {
        if (!hasRange) {
            System.arraycopy(raw, 0, min, 0, dim);
            System.arraycopy(raw, 0, max, 0, dim);
            hasRange = true;
            return false;
        }
        boolean outside = false;
        for (int j = 0; j < dim; j++) {
            double v = raw[j];
            double margin = policy.rangeTolerance() * (max[j] - min[j]);
            if (v > max[j] + margin || v < min[j] - margin) {
                outside = true;
            }
            if (guard != null) {
                // under the guard the range grows only from released clean records (learn)
                continue;
            }
            if (v > max[j]) {
                max[j] = v;
            }
            if (v < min[j]) {
                min[j] = v;
            }
        }
        // a range learnt from the key alone says little at first: it alarms only after a block of records
        return outside && (rangeSeeded || records > policy.block());
    }

    /** Whether a feature has repeated one exact value for longer than training ever showed (a stuck sensor). */
    private boolean frozen(double[] raw) {
        boolean frozen = false;
        for (int j = 0; j < dim; j++) {
            if (run[j] > 0 && raw[j] == lastValue[j]) {
                run[j]++;
            } else {
                if (policy.frozenLearn() && frozenAfter[j] > 0) {
                    frozenAfter[j] = Math.max(frozenAfter[j], 2 * run[j]);
                }
                run[j] = 1;
                lastValue[j] = raw[j];
            }
            if (frozenAfter[j] > 0 && run[j] > frozenAfter[j]) {
                frozen = true;
            }
        }
        return frozen;
    }

    /** The k-th highest of the last n levels, slots not filled yet counting as 0. */
    private double kthHighest(int k) {
        int n = levels.length;
        if (n == 1) {
            return levelCount == 0 ? 0 : levels[0];
        }
        for (int i = 0; i < n; i++) {
            scratch[i] = i < levelCount ? levels[i] : 0f;
        }
        java.util.Arrays.sort(scratch);
        return scratch[n - k];
    }

    private boolean rangeAmongAlarming(double threshold) {
        for (int i = 0; i < levelCount; i++) {
            if (rangeLevels[i] && levels[i] >= threshold) {
                return true;
            }
        }
        return false;
    }

    /** Serialised size, bounded by the policy and the dimension whatever the key's history length. */
    public int storedSize() {
        return (guard == null ? 0 : guard.storedSize()) + 1 + 4 * 4 + 8 + 8 + 8 * recent.length + history.storedSize() + 8 + 1
                + (hasRange ? 16 * dim : 0) + 8 + 5 * levels.length + 4 + 1 + 16 * dim;
    }

    public void store(ByteBuffer b) {
        b.put((byte) ((guard == null ? FORMAT : FORMAT_GUARDED) | (history.keepsMaxima() ? WITH_MAXIMA : 0))).putInt(dim).putInt(recent.length).putInt(history.capacity()).putInt(levels.length);
        b.putLong(records);
        b.putInt(recentCount).putInt(recentPos);
        for (double v : recent) {
            b.putDouble(v);
        }
        history.store(b);
        b.putDouble(previousTail);
        b.put((byte) (hasRange ? (rangeSeeded ? 2 : 1) : 0));
        if (hasRange) {
            for (int j = 0; j < dim; j++) {
                b.putDouble(min[j]).putDouble(max[j]);
            }
        }
        b.putInt(levelCount).putInt(levelPos);
        for (int i = 0; i < levels.length; i++) {
            b.putFloat(levels[i]).put((byte) (rangeLevels[i] ? 1 : 0));
        }
        b.putInt(refractoryLeft).put((byte) (disarmed ? 1 : 0));
        for (int j = 0; j < dim; j++) {
            b.putDouble(lastValue[j]).putInt(run[j]).putInt(frozenAfter[j]);
        }
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
        if ((format != FORMAT && format != FORMAT_GUARDED) || b.getInt() != dim || b.getInt() != recent.length
                || b.getInt() != history.capacity() || b.getInt() != levels.length) {
            return false;
        }
        records = b.getLong();
        recentCount = b.getInt();
        recentPos = b.getInt();
        for (int i = 0; i < recent.length; i++) {
            recent[i] = b.getDouble();
        }
        history.load(b, maxima);
        previousTail = b.getDouble();
        byte range = b.get();
        hasRange = range != 0;
        rangeSeeded = range == 2;
        if (hasRange) {
            for (int j = 0; j < dim; j++) {
                min[j] = b.getDouble();
                max[j] = b.getDouble();
            }
        }
        levelCount = b.getInt();
        levelPos = b.getInt();
        for (int i = 0; i < levels.length; i++) {
            levels[i] = b.getFloat();
            rangeLevels[i] = b.get() == 1;
        }
        refractoryLeft = b.getInt();
        disarmed = b.get() == 1;
        for (int j = 0; j < dim; j++) {
            lastValue[j] = b.getDouble();
            run[j] = b.getInt();
            frozenAfter[j] = b.getInt();
        }
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
