package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * Guarded adaptation ({@code alarm.adapt.guard}): a per-key delay line that holds each record's
 * contribution to the key's adaptive statistics (the per-key standardiser's mean and variance, the
 * likelihood's history of averaged surprises, the range rule's min/max) and releases it only after
 * {@code delay} further records, and only when neither it nor any of those {@code delay} records
 * was flagged by the alarm layer. A lasting anomaly, flagged while it lasts, never enters the
 * statistics that decide what is normal; a slow drift that is never flagged enters them
 * {@code delay} records late. A contribution that is not released clean is dropped.
 *
 * <p>One counter decides cleanliness: the records since the last flagged one. The oldest held
 * entry has {@code delay} entries after it, so it and all of them are clean exactly when that
 * counter exceeds {@code delay}. A fresh key counts as if the record before its first were
 * flagged, which costs nothing: its first entry is due only after {@code delay} clean records anyway.
 *
 * <p>State: {@value #HEADER} bytes plus {@code 8 × width} per held entry, at most {@code delay + 1}
 * entries, whatever the key's history. Mutable, one key at a time; no Kafka.
 */
public final class AdaptationGuard {
    static final int HEADER = 16;

    private final int width;
    private final int delay;
    private final double[] ring;
    private int size;
    private int head;
    private int sinceFlag;

    /**
     * @param width values per entry
     * @param delay records an entry is held for after its own (0: released at once when not flagged)
     */
    public AdaptationGuard(int width, int delay) {
        if (width < 1 || delay < 0) {
            throw new IllegalArgumentException("width " + width + ", delay " + delay);
        }
        this.width = width;
        this.delay = delay;
        this.ring = new double[(delay + 1) * width];
    }

    public void reset() {
        size = 0;
        head = 0;
        sinceFlag = 0;
    }

    public int delay() {
        return delay;
    }

    /** Entries held now (at most {@code delay + 1}, and {@code delay} between calls). */
    public int held() {
        return size;
    }

    /**
     * Holds {@code entry} (its first {@code width} values) of a record the alarm layer did or did
     * not flag; when the oldest held entry is due, removes it and, when it was clean, copies it into
     * {@code released} and returns true (the caller then applies it). False: nothing to apply.
     */
    public boolean offer(double[] entry, boolean flagged, double[] released) {
        sinceFlag = flagged ? 0 : (sinceFlag > delay ? sinceFlag : sinceFlag + 1);
        int slot = (head + size) % (delay + 1);
        System.arraycopy(entry, 0, ring, slot * width, width);
        size++;
        if (size <= delay) {
            return false;
        }
        System.arraycopy(ring, head * width, released, 0, width);
        head = (head + 1) % (delay + 1);
        size--;
        return sinceFlag > delay;
    }

    public int storedSize() {
        return HEADER + 8 * width * size;
    }

    public void store(ByteBuffer b) {
        b.putInt(width).putInt(delay).putInt(size).putInt(sinceFlag);
        for (int k = 0; k < size; k++) {
            int at = ((head + k) % (delay + 1)) * width;
            for (int j = 0; j < width; j++) {
                b.putDouble(ring[at + j]);
            }
        }
    }

    /**
     * Loads a key's held entries; false (and the guard {@link #reset}: nothing held, nothing
     * learnt for the next {@code delay} records) when they were written for another width or delay
     * or are truncated.
     */
    public boolean load(ByteBuffer b) {
        if (b.remaining() < HEADER) {
            reset();
            return false;
        }
        int w = b.getInt();
        int d = b.getInt();
        int n = b.getInt();
        int since = b.getInt();
        if (w != width || d != delay || n < 0 || n > delay || since < 0 || b.remaining() < 8L * width * n) {
            reset();
            return false;
        }
        head = 0;
        size = n;
        sinceFlag = since;
        for (int i = 0; i < n * width; i++) {
            ring[i] = b.getDouble();
        }
        return true;
    }
}
