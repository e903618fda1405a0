package io.earthmover.harness.eval;

import com.amazon.randomcutforest.RandomCutForest;

/**
 * {@code rcf}: Random Cut Forest 4.3.0 with the library's defaults (50 trees, sample size 256,
 * time decay 1/(10·256), output after 64 points) and internal shingling as its README recommends,
 * shingle size {@value #DEFAULT_SHINGLE_SIZE} for time series (AWS's default shingle size for RCF
 * anomaly detection); tabular rows have no order, so no shingling there.
 */
public final class RcfDetectorFactory implements DetectorFactory {
    public static final String NAME = "rcf";
    public static final int DEFAULT_SHINGLE_SIZE = 8;

    private final int shingleSize;

    public RcfDetectorFactory() {
        this(DEFAULT_SHINGLE_SIZE);
    }

    public RcfDetectorFactory(int shingleSize) {
        if (shingleSize < 1) {
            throw new IllegalArgumentException("shingle size must be >= 1");
        }
        this.shingleSize = shingleSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return "Random Cut Forest 4.3.0: " + RandomCutForest.DEFAULT_NUMBER_OF_TREES + " trees, sample size "
                + RandomCutForest.DEFAULT_SAMPLE_SIZE + ", internal shingling " + shingleSize
                + " (tabular: 1), score/log2(sample size)";
    }

    @Override
    public Detector create(DetectorSpec spec) {
        int shingle = spec.streaming() ? shingleSize : 1;
        RandomCutForest.Builder<?> b = RandomCutForest.builder()
                .dimensions(spec.dimensions() * shingle)
                .shingleSize(shingle)
                .internalShinglingEnabled(shingle > 1)
                .randomSeed(spec.seed());
        return new RcfDetector(b.build(), spec.streaming(), RandomCutForest.DEFAULT_SAMPLE_SIZE);
    }
}
