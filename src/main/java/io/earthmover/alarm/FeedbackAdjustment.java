package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * One key's threshold raise from operator feedback: each confirmed false alarm raises the key's
 * alarm threshold by {@link #STEP}, up to {@link #MAX_RAISE}; the raise halves every
 * {@link #HALF_LIFE_RECORDS} scored records of the key, and is forgotten below {@link #FORGET}.
 * A missed anomaly drops it at once. In the units of the alarm level (the likelihood or the
 * calibrated score, both in [0, 1]).
 */
public record FeedbackAdjustment(double raise) {
    /**
     * Raise per false alarm: two false alarms at the default threshold (0.5) move it to 0.95, above
     * a likelihood of 0.9 (a tail of 1e-9), so a pattern marked twice no longer alarms.
     */
    public static final double STEP = 0.25;
    /**
     * Largest raise: the threshold stays below 1 at the default 0.5, so the range and frozen-value
     * rules (level 1) and a likelihood at its ceiling still alarm on a raised key.
     */
    public static final double MAX_RAISE = 0.45;
    /**
     * Records over which the raise halves: a day of one record a minute is 1440, so a raise lasts
     * about a day of such a key (a quarter after two days) and a real change is not hidden for long.
     */
    public static final int HALF_LIFE_RECORDS = 1440;
    /** Below this the raise is dropped (and its store entry deleted): it would change no decision. */
    public static final double FORGET = 1e-3;
    /** The raise kept per scored record: 0.5^(1/HALF_LIFE_RECORDS). */
    static final double DECAY = Math.pow(0.5, 1.0 / HALF_LIFE_RECORDS);

    public static final FeedbackAdjustment NONE = new FeedbackAdjustment(0);

    public FeedbackAdjustment {
        if (!(raise >= 0 && raise <= MAX_RAISE)) {
            throw new IllegalArgumentException("raise must be in [0, " + MAX_RAISE + "]: " + raise);
        }
    }

    /** The adjustment after an operator's label. */
    public FeedbackAdjustment after(FeedbackLabel label) {
        return label == FeedbackLabel.FALSE_ALARM ? new FeedbackAdjustment(Math.min(MAX_RAISE, raise + STEP)) : NONE;
    }

    /** The adjustment after {@code records} more scored records of the key. */
    public FeedbackAdjustment decayed(long records) {
        double r = raise * Math.pow(DECAY, records);
        return r < FORGET ? NONE : new FeedbackAdjustment(r);
    }

    public boolean isNone() {
        return raise == 0;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(8).putDouble(raise).array();
    }

    /** The stored adjustment, or {@link #NONE} for bytes that are not one (null, another version). */
    public static FeedbackAdjustment decode(byte[] b) {
        if (b == null || b.length != 8) {
            return NONE;
        }
        double r = ByteBuffer.wrap(b).getDouble();
        return r >= 0 && r <= MAX_RAISE ? new FeedbackAdjustment(r) : NONE;
    }
}
