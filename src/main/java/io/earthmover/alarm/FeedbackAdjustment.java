package io.earthmover.alarm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import java.nio.ByteBuffer;

/**
 * One key's threshold raise from operator feedback: each confirmed false alarm raises the key's
 * alarm threshold by {@link #STEP}, up to {@link #MAX_RAISE}; the raise halves every
 * {@link #HALF_LIFE_RECORDS} scored records of the key, and is forgotten below {@link #FORGET}.
 * A missed anomaly drops it at once. In the units of the alarm level (the likelihood or the
 * calibrated score, both in [0, 1]).
 *
 * <p>Idempotent per record: {@code marked} holds hashes of the record ids whose false alarm has
 * raised it (the newest {@value #MAX_MARKED}), so the same alarm marked twice (a double click, the
 * API and the topic both) raises once; two different alarms raise twice.
 *
 * @param raise  the raise now
 * @param marked 64-bit hashes of the record ids already counted, oldest first
 */
public record FeedbackAdjustment(double raise, List<Long> marked) {
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

    /** Record ids remembered per key for de-duplication: more than the raises {@link #MAX_RAISE} allows. */
    public static final int MAX_MARKED = 16;

    public static final FeedbackAdjustment NONE = new FeedbackAdjustment(0);

    public FeedbackAdjustment {
        if (!(raise >= 0 && raise <= MAX_RAISE)) {
            throw new IllegalArgumentException("raise must be in [0, " + MAX_RAISE + "]: " + raise);
        }
        marked = List.copyOf(marked);
        if (marked.size() > MAX_MARKED) {
            throw new IllegalArgumentException("at most " + MAX_MARKED + " marked ids, not " + marked.size());
        }
    }

    /** A raise with no record ids remembered. */
    public FeedbackAdjustment(double raise) {
        this(raise, List.of());
    }

    /** The adjustment after an operator's label on a record without an id. */
    public FeedbackAdjustment after(FeedbackLabel label) {
        return label == FeedbackLabel.FALSE_ALARM ? new FeedbackAdjustment(Math.min(MAX_RAISE, raise + STEP), marked) : NONE;
    }

    /**
     * The adjustment after an operator's label on record {@code id}: a false alarm already counted for
     * that id changes nothing ({@link #counted}).
     */
    public FeedbackAdjustment after(FeedbackLabel label, String id) {
        if (label != FeedbackLabel.FALSE_ALARM) {
            return NONE;
        }
        long h = hash(id);
        if (marked.contains(h)) {
            return this;
        }
        List<Long> ids = new ArrayList<>(marked);
        ids.add(h);
        while (ids.size() > MAX_MARKED) {
            ids.remove(0);
        }
        return new FeedbackAdjustment(Math.min(MAX_RAISE, raise + STEP), ids);
    }

    /** Whether a false alarm on record {@code id} has already raised this adjustment. */
    public boolean counted(String id) {
        return marked.contains(hash(id));
    }

    /** The adjustment after {@code records} more scored records of the key (the marked ids kept while it lasts). */
    public FeedbackAdjustment decayed(long records) {
        double r = raise * Math.pow(DECAY, records);
        return r < FORGET ? NONE : new FeedbackAdjustment(r, marked);
    }

    /** 64-bit FNV-1a of the id's UTF-8 bytes: 16 ids per key make a collision negligible. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    public boolean isNone() {
        return raise == 0;
    }

    /** The raise, then the marked ids' hashes (8 bytes each; a raise alone is the layout before de-duplication). */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * marked.size()).putDouble(raise);
        marked.forEach(b::putLong);
        return b.array();
    }

    /** The stored adjustment, or {@link #NONE} for bytes that are not one (null, another version). */
    public static FeedbackAdjustment decode(byte[] b) {
        if (b == null || b.length < 8 || b.length % 8 != 0 || b.length > 8 + 8 * MAX_MARKED) {
            return NONE;
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        double r = in.getDouble();
        if (!(r >= 0 && r <= MAX_RAISE)) {
            return NONE;
        }
        List<Long> ids = new ArrayList<>();
        while (in.hasRemaining()) {
            ids.add(in.getLong());
        }
        return new FeedbackAdjustment(r, ids);
    }
}
