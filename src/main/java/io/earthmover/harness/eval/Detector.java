package io.earthmover.harness.eval;

import java.util.List;

/**
 * A detector for one series (or one tabular data set), created by a {@link DetectorFactory}.
 *
 * <p>Lifecycle: {@link #train} once with the training rows (NAB's probationary rows, SKAB's first
 * 400 rows, the tabular training share), then {@link #score} for every later row, one at a time in
 * time order. A score sees only the current row and earlier ones (no look-ahead). A streaming
 * detector ({@link DetectorSpec#streaming()}) may keep learning from each row after scoring it;
 * a non-streaming one is frozen after training.
 */
public interface Detector {

    /**
     * Learns from the training rows (in time order).
     *
     * @return out-of-sample scores of some of the training rows, in [0,1], for a decision-threshold
     *     rule that never looks at test rows (streaming detectors: each row scored before it is
     *     learned, after a warm-up; batch detectors: a holdout). Empty if the detector has none.
     */
    double[] train(List<double[]> rows);

    /** Anomaly score of the next row (in [0,1] for time series); higher is more anomalous. */
    double score(long timestampMillis, double[] row);

    /**
     * Whether {@link #score} already is the detector's decision (1 = anomaly, 0 = normal), so a
     * protocol that needs one (SKAB) takes it as is instead of applying its own threshold rule:
     * wgan's served {@code anomaly}.
     */
    default boolean decides() {
        return false;
    }
}
