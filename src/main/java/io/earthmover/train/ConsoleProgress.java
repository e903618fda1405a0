package io.earthmover.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress for a person: one line per epoch (at most one per {@link #MIN_INTERVAL_SECONDS}), with
 * the iteration, Wasserstein estimate, gradient penalty, samples/s and ETA.
 */
public final class ConsoleProgress implements TrainingListener {
    static final double MIN_INTERVAL_SECONDS = 1.0;

    private final PrintStream out;
    private long lastEpoch = -1;
    private double lastPrinted = -MIN_INTERVAL_SECONDS;

    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    public ConsoleProgress() {
        this(System.out);
    }

    @Override
    public void onStart(int maxIterations, long trainingSamples, long holdoutSamples, String runtime) {
        out.printf(Locale.ROOT, "training on %d windows (%d more held out for calibration), up to %d iterations; %s%n",
                trainingSamples, holdoutSamples, maxIterations, runtime);
    }

    @Override
    public void onIteration(IterationStats s) {
        long epoch = (long) Math.floor(s.epoch());
        boolean last = s.iteration() == s.maxIterations();
        if ((epoch != lastEpoch && s.elapsedSeconds() - lastPrinted >= MIN_INTERVAL_SECONDS) || last) {
            lastEpoch = epoch;
            lastPrinted = s.elapsedSeconds();
            out.println(line(s));
        }
    }

    @Override
    public void onFinish(IterationStats last, boolean earlyStopped) {
        if (last != null) {
            out.println(line(last) + (earlyStopped ? "  (stopped early: Wasserstein estimate plateaued)" : ""));
        }
    }

    static String line(IterationStats s) {
        return String.format(Locale.ROOT, "iter %d/%d  epoch %.1f  W %.4f (smoothed %.4f)  GP %.4f  %,.0f samples/s  ETA %s",
                s.iteration(), s.maxIterations(), s.epoch(), s.wasserstein(), s.smoothedWasserstein(),
                s.gradientPenalty(), s.samplesPerSecond(), eta(s.etaSeconds()));
    }

    private static String eta(double seconds) {
        long t = Math.round(seconds);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
