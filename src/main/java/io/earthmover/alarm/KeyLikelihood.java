package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * The anomaly likelihood of one key (nupic's method, {@link SurpriseLikelihood}): the surprise (how
 * far the critic lies below the model's holdout mean, in holdout standard deviations: one scale for
 * every model) is averaged over the last {@code averaging} records (first compressed to
 * {@code sign(s) ln(1 + |s|)} with {@link AlarmPolicy#squash} {@code LOG}; off by default); a normal
 * fitted to the history of those averages over the last {@code history} records gives the average's
 * two-sided tail, filtered and put on nupic's log scale. The history is a ring of summary blocks
 * ({@link SurpriseHistory}), refitted whenever a block completes (nupic refits every 100 records, the
 * default block); a new key starts with the model's {@link AlarmSeed} as its normal, so the
 * likelihood is active from the key's first record.
 *
 * <p><b>Recurring surprise</b> ({@link AlarmPolicy#recurrence}, off by default): each block of the
 * history also keeps its highest average. An average no higher than the highest of at least k
 * earlier blocks is something the key has shown k times already (a daily or hourly spike of a
 * periodic series, which a window critic finds rare every time it comes round): its tail is held at
 * nupic's yellow level, below the red zone, so it does not alarm. An average above all but fewer than
 * k blocks' highest is judged as nupic judges it. nupic has no such test: HTM's raw score falls to 0
 * on a transition it has learnt, the critic's does not.
 *
 * <p>Under guarded adaptation an average joins the history only when {@link KeyAlarm}'s guard
 * releases it ({@link #learn}); the averaging window itself is not guarded. Part of
 * {@link KeyAlarm}'s state, stored inside it.
 */
final class KeyLikelihood {
    private final AlarmPolicy.Squash squash;
    private final AlarmPolicy.Tail tail;
    /** Under the guard {@link #next} leaves the history to {@link #learn}. */
    private final boolean guarded;
    private final double[] recent;
    private final SurpriseHistory history;
    private int recentCount;
    private int recentPos;
    /** The red-zone filter's previous tail. */
    private double previousTail;
    private double lastAverage;

    KeyLikelihood(AlarmPolicy policy) {
        this.squash = policy.squash();
        this.tail = policy.tail();
        this.guarded = policy.adaptGuard();
        this.recent = new double[policy.averaging()];
        this.history = new SurpriseHistory(policy);
    }

    /** Starts a new key: no recent surprises, the seed as its normal. */
    void reset(AlarmSeed seed) {
        recentCount = 0;
        recentPos = 0;
        history.reset(seed);
        previousTail = 1.0;
    }

    /** Surprises averaged (part of the stored shape). */
    int averaging() {
        return recent.length;
    }

    /** Blocks the history holds at most (part of the stored shape). */
    int historyCapacity() {
        return history.capacity();
    }

    boolean keepsMaxima() {
        return history.keepsMaxima();
    }

    /** The average of the last {@link #next}: what the guard holds for {@link #learn}. */
    double lastAverage() {
        return lastAverage;
    }

    /** Adds the record's surprise to the window; its average's likelihood (nupic's probation value without a normal). */
    double next(double surprise) {
        recent[recentPos] = squash.apply(surprise);
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
            double t = tail == AlarmPolicy.Tail.UPPER ? SurpriseLikelihood.upperTail(average, history.mean(), spread)
                    : SurpriseLikelihood.tail(average, history.mean(), spread);
            if (history.recurring(average)) {
                t = Math.max(t, SurpriseLikelihood.YELLOW_TAIL);
            }
            result = SurpriseLikelihood.logScale(SurpriseLikelihood.filtered(t, previousTail));
            previousTail = t;
        }
        lastAverage = average;
        if (!guarded) {
            history.add(average);
        }
        return result;
    }

    /** An average the guard released clean joins the history. */
    void learn(double average) {
        history.add(average);
    }

    int storedSize() {
        return 8 + 8 * recent.length + history.storedSize() + 8;
    }

    /** The window (count, position, every slot), the history, then the filter's previous tail. */
    void store(ByteBuffer b) {
        b.putInt(recentCount).putInt(recentPos);
        for (double v : recent) {
            b.putDouble(v);
        }
        history.store(b);
        b.putDouble(previousTail);
    }

    /** Reads what {@link #store} wrote; {@code maxima}: whether the history kept its blocks' highest averages. */
    void load(ByteBuffer b, boolean maxima) {
        recentCount = b.getInt();
        recentPos = b.getInt();
        for (int i = 0; i < recent.length; i++) {
            recent[i] = b.getDouble();
        }
        history.load(b, maxima);
        previousTail = b.getDouble();
    }
}
