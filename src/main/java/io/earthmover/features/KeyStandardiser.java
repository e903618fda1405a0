package io.earthmover.features;

import java.nio.ByteBuffer;

/**
 * Standardises each feature by one key's own running mean and standard deviation, before the
 * model's normaliser: with one model for many keys whose levels and scales differ by more than
 * their noise, the critic then sees every key on one scale, and an anomaly of a few of the key's
 * own standard deviations is a few units, not a speck in the spread of all keys. Trainer and
 * scorer share this one implementation.
 *
 * <p>A record is standardised with the statistics of the records before it (an anomaly does not
 * mask itself), then joins them. The statistics are Welford's for the first {@value #HISTORY}
 * records, then exponentially weighted with weight 1/{@value #HISTORY}, so they follow a lasting
 * change within a few thousand records. Until a key has {@value #WARMUP} records its statistics
 * are not used (the scorer emits those records as warming up; the trainer skips them). A feature
 * that has been constant for the key gets a scale floor of 1e-6 of its level (at least 1e-9), so
 * any departure from the constant stands out. Mutable, one key at a time.
 */
public final class KeyStandardiser {
    public static final int WARMUP = 30;
    public static final int HISTORY = 1000;
    private static final double RELATIVE_FLOOR = 1e-6;
    private static final double ABSOLUTE_FLOOR = 1e-9;

    private final int dim;
    private final double[] mean;
    private final double[] var;
    private long count;
    /** The mean and scale the last {@link #standardise} call used (transient: not part of the stored state). */
    private final double[] lastMean;
    private final double[] lastScale;

    public KeyStandardiser(int dim) {
        this.dim = dim;
        this.mean = new double[dim];
        this.var = new double[dim];
        this.lastMean = new double[dim];
        this.lastScale = new double[dim];
    }

    public void reset() {
        count = 0;
        java.util.Arrays.fill(mean, 0);
        java.util.Arrays.fill(var, 0);
    }

    /** Whether the key has enough records for its statistics to be used. */
    public boolean ready() {
        return count >= WARMUP;
    }

    public long count() {
        return count;
    }

    /** Writes {@code v} standardised by the statistics so far into {@code out}, then adds {@code v} to them. */
    public void standardise(double[] v, double[] out) {
        apply(v, out);
        add(v);
    }

    /**
     * Writes {@code v} standardised by the statistics so far into {@code out}, without learning it:
     * the scorer's guarded adaptation ({@code alarm.adapt.guard}) {@link #add}s it later, or never.
     */
    public void apply(double[] v, double[] out) {
        for (int j = 0; j < dim; j++) {
            double floor = Math.max(ABSOLUTE_FLOOR, RELATIVE_FLOOR * Math.abs(mean[j]));
            lastMean[j] = mean[j];
            lastScale[j] = Math.max(Math.sqrt(var[j]), floor);
            out[j] = (v[j] - mean[j]) / lastScale[j];
        }
    }

    /** Adds {@code v} (the key's raw values) to the statistics. */
    public void add(double[] v) {
        count++;
        double w = 1.0 / Math.min(count, HISTORY);
        for (int j = 0; j < dim; j++) {
            double d = v[j] - mean[j];
            mean[j] += w * d;
            var[j] = (1 - w) * (var[j] + w * d * d);
        }
    }

    /** The raw value of feature {@code j} whose standardised value in the last {@link #standardise} call would be {@code z}. */
    public double unstandardise(int j, double z) {
        return lastMean[j] + z * lastScale[j];
    }

    public int storedSize() {
        return 12 + 16 * dim;
    }

    public void store(ByteBuffer b) {
        b.putInt(dim).putLong(count);
        for (int j = 0; j < dim; j++) {
            b.putDouble(mean[j]).putDouble(var[j]);
        }
    }

    /** Loads a key's statistics; false (nothing loaded) when they were written for another dimension. */
    public boolean load(ByteBuffer b) {
        if (b.remaining() < storedSize() || b.getInt() != dim) {
            return false;
        }
        count = b.getLong();
        for (int j = 0; j < dim; j++) {
            mean[j] = b.getDouble();
            var[j] = b.getDouble();
        }
        return true;
    }
}
