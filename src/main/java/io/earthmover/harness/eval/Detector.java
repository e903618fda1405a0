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

    /** Anomaly score of the next row, in [0,1]; higher is more anomalous. */
    double score(long timestampMillis, double[] row);
}
