package io.earthmover.harness.eval;

/** {@code zscore}: {@link ZScoreDetector} with a rolling window of {@value #DEFAULT_WINDOW} rows. */
public final class ZScoreDetectorFactory implements DetectorFactory {
    public static final String NAME = "zscore";
    public static final int DEFAULT_WINDOW = 100;

    private final int window;

    public ZScoreDetectorFactory() {
        this(DEFAULT_WINDOW);
    }

    public ZScoreDetectorFactory(int window) {
        this.window = window;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return "rolling z-score, window " + window + " previous rows (tabular: training-row mean/std),"
                + " score = z/(z+" + ZScoreDetector.HALF_SCORE_Z + "), z = max |z| over features";
    }

    @Override
    public Detector create(DetectorSpec spec) {
        return new ZScoreDetector(window, spec.streaming());
    }
}
