package io.earthmover.score;

import java.nio.ByteBuffer;

/**
 * The last {@code capacity} feature vectors of one key (the scorer keeps 2·window−1: the window
 * plus room to place late records), oldest first in event time, and how it
 * is stored in the window state store. Layout: int dim, int count, then count × (long ts,
 * dim doubles). Raw (unnormalised) values are kept, so a compatible new model featurises them
 * with its own normaliser.
 *
 * <p>Late records: a record older than the key's newest is placed at its event-time position when
 * it is no more than the tolerance behind the newest and not older than the oldest kept; it is
 * scored on the window that ends at it. A record further behind cannot be placed: it is emitted
 * unscored with {@code late: true} and leaves the window untouched.
 */
public final class WindowHistory {
    private final int capacity;
    private final int dim;
    private final long[] ts;
    private final double[][] vectors;
    private int count;

    public WindowHistory(int capacity, int dim) {
        this.capacity = capacity;
        this.dim = dim;
        this.ts = new long[capacity];
        this.vectors = new double[capacity][dim];
    }

    public int count() {
        return count;
    }

    public boolean full() {
        return count == capacity;
    }

    public long newestTs() {
        return ts[count - 1];
    }

    /** Loads stored bytes; state written by a model with other dimensions is dropped (the key warms up again). */
    public void load(byte[] stored) {
        count = 0;
        if (stored == null) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(stored);
        int d = b.getInt();
        int n = b.getInt();
        if (d != dim || stored.length != 8 + n * (8 + 8 * d)) {
            return;
        }
        int skip = Math.max(0, n - capacity);
        for (int i = 0; i < n; i++) {
            long t = b.getLong();
            if (i < skip) {
                b.position(b.position() + 8 * d);
                continue;
            }
            ts[count] = t;
            for (int j = 0; j < d; j++) {
                vectors[count][j] = b.getDouble();
            }
            count++;
        }
    }

    public byte[] store() {
        ByteBuffer b = ByteBuffer.allocate(8 + count * (8 + 8 * dim));
        b.putInt(dim).putInt(count);
        for (int i = 0; i < count; i++) {
            b.putLong(ts[i]);
            for (int j = 0; j < dim; j++) {
                b.putDouble(vectors[i][j]);
            }
        }
        return b.array();
    }

    /** Where a record with event time {@code t} goes: after every record with ts ≤ t (stable for ties). */
    public int positionOf(long t) {
        int p = count;
        while (p > 0 && ts[p - 1] > t) {
            p--;
        }
        return p;
    }

    /**
     * Inserts at event-time position {@code p}; when full, the oldest is dropped first.
     * Returns the index the record ended up at.
     */
    public int insert(int p, long t, double[] v) {
        if (count == capacity) {
            if (p == 0) {
                return -1; // older than everything kept: cannot be placed
            }
            System.arraycopy(ts, 1, ts, 0, count - 1);
            double[] recycled = vectors[0];
            System.arraycopy(vectors, 1, vectors, 0, count - 1);
            vectors[count - 1] = recycled;
            count--;
            p--;
        }
        double[] slot = vectors[count];
        for (int i = count; i > p; i--) {
            ts[i] = ts[i - 1];
            vectors[i] = vectors[i - 1];
        }
        ts[p] = t;
        System.arraycopy(v, 0, slot, 0, dim);
        vectors[p] = slot;
        count++;
        return p;
    }

    /** Fills {@code out} with the {@code out.length} vectors ending at index {@code end}; false if there are too few. */
    public boolean windowEndingAt(int end, double[][] out) {
        int start = end - out.length + 1;
        if (start < 0) {
            return false;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = vectors[start + i];
        }
        return true;
    }
}
