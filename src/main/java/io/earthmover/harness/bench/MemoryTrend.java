package io.earthmover.harness.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * {@code bench soak}'s verdict on one memory series (heap after GC, or RSS), sampled once a minute
 * after warm-up: flat, or rising. A series rises when it grows steadily, or by much.
 *
 * <ul>
 * <li><b>steadily</b>: the least-squares slope over the run <em>and</em> over its second half are
 * both at least {@link #MIN_RISE_MB_PER_MIN}, and Kendall's tau (the share of later-above-earlier
 * sample pairs minus the share of later-below-earlier ones) is at least {@link #STEADY_TAU}.
 * The second-half slope tells a leak (still rising at the end) from a one-off step after warm-up
 * (flat at the end); tau tells a trend from noise. The case, RSS rising every minute from 475 to
 * 504 MB, grows by only 6 % of its mean, which the share rule alone let pass.</li>
 * <li><b>by much</b>: the fitted growth over the run exceeds {@link #MAX_GROWTH_SHARE} of the mean,
 * whatever its shape.</li>
 * </ul>
 */
public final class MemoryTrend {
    /** Least growth per minute that counts as a rise: below it are RSS jitter and allocator rounding. */
    public static final double MIN_RISE_MB_PER_MIN = 0.25;
    /** Kendall's tau at or above which a rise is steady rather than noise. */
    public static final double STEADY_TAU = 0.5;
    /** Fitted growth over the run above this share of the mean fails whatever its shape. */
    public static final double MAX_GROWTH_SHARE = 0.10;

    /**
     * @param slope      MB per minute over the run
     * @param lateSlope  MB per minute over the second half
     * @param tau        Kendall's tau of the series against time, in [-1, 1]
     * @param rising     the verdict: true fails the soak
     */
    public record Verdict(double slope, double lateSlope, double tau, double mean, boolean rising, String reason) {
        public String describe(String what) {
            return String.format(Locale.ROOT, "%s %+.2f MB/min (second half %+.2f, tau %.2f, mean %.1f MB): %s", what, slope,
                    lateSlope, tau, mean, reason);
        }
    }

    private MemoryTrend() {
    }

    /** The verdict on {@code values[i]} sampled at {@code minutes[i]} (ascending; at least two samples). */
    public static Verdict of(double[] minutes, double[] values) {
        if (minutes.length != values.length || minutes.length < 2) {
            throw new IllegalArgumentException("need at least two samples, as many minutes as values");
        }
        int n = values.length;
        double slope = slope(minutes, values, 0, n);
        int half = n / 2;
        double late = slope(minutes, values, Math.min(half, n - 2), n);
        double tau = kendallTau(values);
        double mean = Arrays.stream(values).average().orElse(0);
        double growth = slope * (minutes[n - 1] - minutes[0]);
        if (growth > MAX_GROWTH_SHARE * mean) {
            return new Verdict(slope, late, tau, mean, true,
                    String.format(Locale.ROOT, "RISING: grew by %.0f %% of its mean", 100 * growth / mean));
        }
        if (slope >= MIN_RISE_MB_PER_MIN && late >= MIN_RISE_MB_PER_MIN && tau >= STEADY_TAU) {
            return new Verdict(slope, late, tau, mean, true, "RISING: a steady rise, still rising in the second half");
        }
        return new Verdict(slope, late, tau, mean, false, "flat");
    }

    /**
     * The limit on a long soak: the least-squares slope, in MB per minute, of the samples
     * from minute {@code fromMinute} on (the first minutes fill caches, pools and the JIT's code).
     * NaN when fewer than two samples are that late.
     */
    public static double slopeFrom(double[] minutes, double[] values, double fromMinute) {
        int from = 0;
        while (from < minutes.length && minutes[from] < fromMinute) {
            from++;
        }
        return minutes.length - from < 2 ? Double.NaN : slope(minutes, values, from, minutes.length);
    }

    /** Least-squares slope over samples {@code [from, to)}. */
    static double slope(double[] x, double[] y, int from, int to) {
        int n = to - from;
        double mx = 0;
        double my = 0;
        for (int i = from; i < to; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double num = 0;
        double den = 0;
        for (int i = from; i < to; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    /** Kendall's tau-a of the series against its order. */
    static double kendallTau(double[] y) {
        int n = y.length;
        long s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s += Double.compare(y[j], y[i]) > 0 ? 1 : y[j] < y[i] ? -1 : 0;
            }
        }
        return s / (n * (n - 1) / 2.0);
    }
}
