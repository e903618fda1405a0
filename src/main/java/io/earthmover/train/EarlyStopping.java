package io.earthmover.train;

/**
 * Stops training when the smoothed Wasserstein estimate has made no progress for {@code patience}
 * iterations. Progress is the moving average still rising (the critic learning to tell real from
 * fake) or falling (the generator catching up) by more than a relative tolerance.
 */
final class EarlyStopping {
    /** Weight of the newest Wasserstein estimate in its moving average. */
    static final double SMOOTHING = 0.05;
    /** Relative change of the smoothed estimate that counts as progress. */
    static final double PLATEAU_TOLERANCE = 0.01;

    private final int patience;
    private double ema = Double.NaN;
    private double peak = Double.NEGATIVE_INFINITY;
    private double best = Double.POSITIVE_INFINITY;
    private int sinceProgress;

    /** @param patience iterations without progress before stopping; 0 = never stop */
    EarlyStopping(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must not be negative");
        }
        this.patience = patience;
    }

    /** Takes one iteration's estimate; true when training should stop now. */
    boolean update(double estimate) {
        ema = Double.isNaN(ema) ? estimate : ema + SMOOTHING * (estimate - ema);
        double tol = PLATEAU_TOLERANCE * Math.max(Math.abs(ema), 1e-3);
        if (ema > peak + tol) {
            peak = ema;
            best = ema;
            sinceProgress = 0;
        } else if (ema < best - tol) {
            best = ema;
            sinceProgress = 0;
        } else {
            sinceProgress++;
        }
        return patience > 0 && sinceProgress >= patience;
    }

    /** The smoothed estimate after the last update (NaN before the first). */
    double smoothed() {
        return ema;
    }
}
