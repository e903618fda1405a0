package io.earthmover.harness.eval;

/**
 * What a detector is created for.
 *
 * @param dimensions features per row
 * @param streaming true for time series (NAB, SKAB): rows arrive in time order and the detector may
 *     use temporal context (shingles, rolling windows) and keep learning; false for tabular rows
 *     (no order): the detector is frozen after {@link Detector#train}
 * @param seed random seed, so runs are repeatable
 */
public record DetectorSpec(int dimensions, boolean streaming, long seed) {
    public DetectorSpec {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1, got " + dimensions);
        }
    }
}
