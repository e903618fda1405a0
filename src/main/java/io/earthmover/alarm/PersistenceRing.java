package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * Persistence of one key: its last n levels, each with whether the range rule set it. The level
 * reported is the k-th highest of them, so it reaches the threshold only when k of the last n
 * records did. Part of {@link KeyAlarm}'s state, stored inside it.
 */
final class PersistenceRing {
    private final float[] levels;
    private final boolean[] rangeLevels;
    /** Reused by {@link #kthHighest}, so a record allocates nothing. */
    private final float[] scratch;
    private int count;
    private int pos;

    PersistenceRing(int n) {
        this.levels = new float[n];
        this.rangeLevels = new boolean[n];
        this.scratch = new float[n];
    }

    /** Forgets the levels (the slots are overwritten before they are read again). */
    void reset() {
        count = 0;
        pos = 0;
    }

    /** n: levels the ring holds (part of the stored shape). */
    int length() {
        return levels.length;
    }

    /** Adds a record's level, kept as a float; {@code range}: the range rule set it. */
    void add(double level, boolean range) {
        levels[pos] = (float) level;
        rangeLevels[pos] = range;
        pos = (pos + 1) % levels.length;
        count = Math.min(count + 1, levels.length);
    }

    /** The k-th highest of the last n levels, slots not filled yet counting as 0. */
    double kthHighest(int k) {
        int n = levels.length;
        if (n == 1) {
            return count == 0 ? 0 : levels[0];
        }
        for (int i = 0; i < n; i++) {
            scratch[i] = i < count ? levels[i] : 0f;
        }
        java.util.Arrays.sort(scratch);
        return scratch[n - k];
    }

    /** Whether a level the range rule set is among those at or above the threshold. */
    boolean rangeAmongAlarming(double threshold) {
        for (int i = 0; i < count; i++) {
            if (rangeLevels[i] && levels[i] >= threshold) {
                return true;
            }
        }
        return false;
    }

    int storedSize() {
        return 8 + 5 * levels.length;
    }

    /** Count and position, then each slot's level and range flag. */
    void store(ByteBuffer b) {
        b.putInt(count).putInt(pos);
        for (int i = 0; i < levels.length; i++) {
            b.putFloat(levels[i]).put((byte) (rangeLevels[i] ? 1 : 0));
        }
    }

    void load(ByteBuffer b) {
        count = b.getInt();
        pos = b.getInt();
        for (int i = 0; i < levels.length; i++) {
            levels[i] = b.getFloat();
            rangeLevels[i] = b.get() == 1;
        }
    }
}
