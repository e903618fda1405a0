package io.earthmover.score;

import java.time.Clock;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The critic's own estimate of the Wasserstein distance between recent live data and the training
 * holdout: mean critic value on the holdout minus mean critic value over the last N minutes of
 * scored records. Near 0 when live data looks like the training data; it grows as data drifts
 * toward what the critic finds less normal. Per-minute buckets in a ring; reset on a model swap,
 * since critic values of two models are not comparable.
 */
public final class DriftTracker {
    private final Clock clock;
    private final int minutes;
    private final DoubleAdder[] sums;
    private final LongAdder[] counts;
    private final long[] bucketMinute;
    private volatile double holdoutMean = Double.NaN;

    public DriftTracker(Clock clock, int minutes) {
        this.clock = clock;
        this.minutes = minutes;
        sums = new DoubleAdder[minutes];
        counts = new LongAdder[minutes];
        bucketMinute = new long[minutes];
        for (int i = 0; i < minutes; i++) {
            sums[i] = new DoubleAdder();
            counts[i] = new LongAdder();
            bucketMinute[i] = -1;
        }
    }

    public synchronized void reset(double newHoldoutMean) {
        holdoutMean = newHoldoutMean;
        for (int i = 0; i < minutes; i++) {
            sums[i].reset();
            counts[i].reset();
            bucketMinute[i] = -1;
        }
    }

    public void add(double critic) {
        long minute = clock.millis() / 60_000;
        int i = (int) (minute % minutes);
        if (bucketMinute[i] != minute) {
            synchronized (this) {
                if (bucketMinute[i] != minute) {
                    sums[i].reset();
                    counts[i].reset();
                    bucketMinute[i] = minute;
                }
            }
        }
        sums[i].add(critic);
        counts[i].increment();
    }

    /** holdout mean − recent mean, or NaN when nothing was scored in the window. */
    public double drift() {
        long now = clock.millis() / 60_000;
        double s = 0;
        long n = 0;
        for (int i = 0; i < minutes; i++) {
            if (bucketMinute[i] >= 0 && now - bucketMinute[i] < minutes) {
                s += sums[i].sum();
                n += counts[i].sum();
            }
        }
        return n == 0 ? Double.NaN : holdoutMean - s / n;
    }
}
