package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * The range rule of one key (HTM's spatial anomaly in NAB's numenta detector): a value more than
 * {@code rangeTolerance} × (max − min) outside the min/max the key has shown so far (starting from
 * the training range) is outside; the range then grows to include it. A key whose model has no
 * training range (format 1) learns it from its own records and alarms on it only after
 * {@code block} records. Under guarded adaptation the range grows only from the released clean
 * records ({@link #widen}), not from each value as it comes. Part of {@link KeyAlarm}'s state,
 * stored inside it.
 */
final class RangeRule {
    private final int dim;
    private final double tolerance;
    private final int block;
    /** Under the guard {@link #outside} leaves the range as it is. */
    private final boolean guarded;
    private final double[] min;
    private final double[] max;
    private boolean hasRange;
    private boolean seeded;

    RangeRule(AlarmPolicy policy, int dim) {
        this.dim = dim;
        this.tolerance = policy.rangeTolerance();
        this.block = policy.block();
        this.guarded = policy.adaptGuard();
        this.min = new double[dim];
        this.max = new double[dim];
    }

    /** Starts from the seed's training range, or from none when the seed has none of this dimension. */
    void reset(AlarmSeed seed) {
        hasRange = seed.hasRange() && seed.featureMin().length == dim;
        seeded = hasRange;
        if (hasRange) {
            System.arraycopy(seed.featureMin(), 0, min, 0, dim);
            System.arraycopy(seed.featureMax(), 0, max, 0, dim);
        }
    }

    /**
     * Whether any value lies beyond the key's range by more than the tolerance; then widens the range
     * (not under the guard). {@code records}: the key's records, this one included.
     */
    boolean outside(double[] values, long records) {
        if (!hasRange) {
            System.arraycopy(values, 0, min, 0, dim);
            System.arraycopy(values, 0, max, 0, dim);
            hasRange = true;
            return false;
        }
        boolean outside = false;
        for (int j = 0; j < dim; j++) {
            double v = values[j];
            double margin = tolerance * (max[j] - min[j]);
            if (v > max[j] + margin || v < min[j] - margin) {
                outside = true;
            }
            if (!guarded) {
                widen(j, v);
            }
        }
        // a range learnt from the key alone says little at first: it alarms only after a block of records
        return outside && (seeded || records > block);
    }

    /** Grows the range to include {@code values[from..from + dim)}: a record the guard released clean. */
    void widen(double[] values, int from) {
        for (int j = 0; j < dim; j++) {
            widen(j, values[from + j]);
        }
    }

    private void widen(int j, double v) {
        if (v > max[j]) {
            max[j] = v;
        }
        if (v < min[j]) {
            min[j] = v;
        }
    }

    int storedSize() {
        return 1 + (hasRange ? 16 * dim : 0);
    }

    /** 0 (no range yet), 1 (learnt from the key) or 2 (seeded), then each feature's min and max when there is one. */
    void store(ByteBuffer b) {
        b.put((byte) (hasRange ? (seeded ? 2 : 1) : 0));
        if (hasRange) {
            for (int j = 0; j < dim; j++) {
                b.putDouble(min[j]).putDouble(max[j]);
            }
        }
    }

    void load(ByteBuffer b) {
        byte range = b.get();
        hasRange = range != 0;
        seeded = range == 2;
        if (hasRange) {
            for (int j = 0; j < dim; j++) {
                min[j] = b.getDouble();
                max[j] = b.getDouble();
            }
        }
    }
}
