package io.earthmover.harness.eval.skab;

import io.earthmover.harness.eval.BinaryMetrics;
import io.earthmover.harness.eval.Detector;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.DetectorSpec;
import io.earthmover.harness.eval.Quantiles;
import io.earthmover.harness.eval.StandardScaler;
import io.earthmover.harness.eval.Stopwatch;
import io.earthmover.harness.eval.ViaKafka;
import io.earthmover.harness.eval.WganDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SKAB's outlier-detection protocol. Per file: the first {@value #TRAIN_ROWS} rows are training
 * data and fit a StandardScaler; a fresh detector trains on them (track 2: on anomaly-free.csv
 * first, scaled with the same scaler), then scores the remaining rows one at a time. The
 * prediction of a detector that {@link Detector#decides() decides} itself (wgan: the service's
 * {@code anomaly}) is its decision. For the others (rcf, zscore) the decision rule, fixed before
 * looking at any test row: a test row is an anomaly when its score exceeds the q-quantile of the
 * out-of-sample scores of that file's own training rows (those the detector returns from
 * {@link Detector#train}: rows 200–399, each scored before it is learned). Predictions of all
 * files are concatenated and scored against the {@code anomaly} column.
 */
public final class SkabEvaluator {
    public static final int TRAIN_ROWS = 400;
    public static final double DEFAULT_QUANTILE = 0.99;
    public static final long SEED = 42L;
    /** A deciding detector's score (1 anomaly, 0 normal) at or above this is a predicted anomaly. */
    static final double DECISION = 0.5;

    private final double quantile;
    private final ViaKafka kafka;

    public SkabEvaluator(double quantile) {
        this(quantile, null);
    }

    /**
     * @param quantile the threshold rule's quantile, for detectors that do not decide themselves
     * @param kafka    non-null: a {@code wgan} detector's test outcomes come through the Kafka scorer
     */
    public SkabEvaluator(double quantile, ViaKafka kafka) {
        this.quantile = quantile;
        this.kafka = kafka;
    }

    /**
     * Scores and predictions of one file's test rows; {@code criticAlone}: wgan's decisions with the
     * range and frozen-value rules off ({@link WganDetector#criticAloneScores()}), else null.
     */
    public record FileResult(SkabExperiment experiment, double threshold, double[] testScores, boolean[] predicted,
            boolean[] criticAlone) {
    }

    /** {@code criticAlone}: the metrics of the files' critic-alone decisions, null when there are none. */
    public record Result(String detector, SkabTrack track, BinaryMetrics metrics, List<FileResult> files,
            double seconds, BinaryMetrics criticAlone) {
    }

    public Result evaluate(DetectorFactory factory, SkabData data, SkabTrack track) {
        Stopwatch sw = new Stopwatch();
        BinaryMetrics total = new BinaryMetrics(0, 0, 0, 0);
        BinaryMetrics alone = null;
        List<FileResult> files = new ArrayList<>();
        for (SkabExperiment e : data.experiments()) {
            FileResult fr = evaluateFile(factory, e, track == SkabTrack.WITH_ANOMALY_FREE ? data.anomalyFree() : null);
            files.add(fr);
            int[] labels = Arrays.copyOfRange(e.anomaly(), TRAIN_ROWS, e.size());
            total = total.plus(BinaryMetrics.of(fr.predicted(), labels));
            if (fr.criticAlone() != null) {
                BinaryMetrics m = BinaryMetrics.of(fr.criticAlone(), labels);
                alone = alone == null ? m : alone.plus(m);
            }
        }
        return new Result(factory.name(), track, total, List.copyOf(files), sw.seconds(), alone);
    }

    /** The quantile rule's threshold: from the file's own training rows' out-of-sample scores. */
    private double threshold(DetectorFactory factory, double[] calib) {
        if (calib.length == 0) {
            throw new IllegalStateException(factory.name() + " returned no calibration scores");
        }
        // only the file's own training rows calibrate: the last of the calibration scores
        double[] ownCalib = Arrays.copyOfRange(calib, Math.max(0, calib.length - TRAIN_ROWS / 2), calib.length);
        return Quantiles.of(ownCalib, quantile);
    }

    FileResult evaluateFile(DetectorFactory factory, SkabExperiment e, SkabExperiment anomalyFree) {
        if (e.size() <= TRAIN_ROWS) {
            throw new IllegalArgumentException(e.name() + " has no test rows");
        }
        List<double[]> own = Arrays.asList(e.rows()).subList(0, TRAIN_ROWS);
        StandardScaler scaler = StandardScaler.fit(own);
        List<double[]> train = new ArrayList<>();
        if (anomalyFree != null) {
            for (double[] r : anomalyFree.rows()) {
                train.add(scaler.transform(r));
            }
        }
        for (double[] r : own) {
            train.add(scaler.transform(r));
        }
        Detector d = factory.create(new DetectorSpec(e.rows()[0].length, true, SEED));
        double[] calib = d.train(train);
        double threshold = d.decides() ? DECISION : threshold(factory, calib);
        int n = e.size() - TRAIN_ROWS;
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            int row = TRAIN_ROWS + i;
            scores[i] = d.score(e.epochMillis()[row], scaler.transform(e.rows()[row]));
        }
        if (d instanceof WganDetector w) {
            w.tallyAlarms(i -> e.anomaly()[TRAIN_ROWS + i] == 1);
        }
        if (kafka != null && d instanceof WganDetector w && w.trace() != null) {
            scores = kafka.replay(w.trace());
        }
        boolean[] pred = new boolean[n];
        for (int i = 0; i < n; i++) {
            pred[i] = d.decides() ? scores[i] >= DECISION : scores[i] > threshold;
        }
        boolean[] alone = null;
        double[] aloneScores = d instanceof WganDetector w ? w.criticAloneScores() : null;
        if (aloneScores != null) {
            alone = new boolean[n];
            for (int i = 0; i < n; i++) {
                alone[i] = aloneScores[i] >= DECISION;
            }
        }
        return new FileResult(e, threshold, scores, pred, alone);
    }
}
