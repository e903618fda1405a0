package io.earthmover.harness.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Threshold-free ranking metrics of anomaly scores against 0/1 labels (1 = anomaly). */
public final class RankMetrics {
    private RankMetrics() {
    }

    /** A point of the precision-recall curve. */
    public record PrPoint(double threshold, double recall, double precision) {
    }

    /**
     * ROC-AUC as the Mann-Whitney statistic: the probability that a random anomaly scores above a
     * random normal row, ties counting one half (same as scikit-learn's roc_auc_score).
     */
    public static double rocAuc(double[] scores, int[] labels) {
        check(scores, labels);
        int pos = 0;
        for (int l : labels) {
            pos += l != 0 ? 1 : 0;
        }
        double[] anomalous = new double[pos];
        double[] normal = new double[scores.length - pos];
        int a = 0;
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] != 0) {
                anomalous[a++] = scores[i];
            } else {
                normal[n++] = scores[i];
            }
        }
        return io.earthmover.train.RocAuc.of(anomalous, normal);
    }

    /**
     * Average precision, sum over distinct thresholds (high to low) of (R_k − R_{k−1})·P_k, tied
     * scores entering together (scikit-learn's average_precision_score).
     */
    public static double averagePrecision(double[] scores, int[] labels) {
        double ap = 0.0;
        double prevRecall = 0.0;
        for (PrPoint p : prCurve(scores, labels)) {
            ap += (p.recall() - prevRecall) * p.precision();
            prevRecall = p.recall();
        }
        return ap;
    }

    /** Precision and recall at every distinct score taken as threshold (score ≥ t is flagged), high to low. */
    public static List<PrPoint> prCurve(double[] scores, int[] labels) {
        check(scores, labels);
        long positives = Arrays.stream(labels).filter(l -> l != 0).count();
        if (positives == 0) {
            throw new IllegalArgumentException("PR curve needs at least one anomaly");
        }
        Integer[] order = sortedAscending(scores);
        List<PrPoint> out = new ArrayList<>();
        long tp = 0;
        long flagged = 0;
        int i = order.length - 1;
        while (i >= 0) {
            double t = scores[order[i]];
            while (i >= 0 && scores[order[i]] == t) {
                flagged++;
                if (labels[order[i]] != 0) {
                    tp++;
                }
                i--;
            }
            out.add(new PrPoint(t, (double) tp / positives, (double) tp / flagged));
        }
        return out;
    }

    private static Integer[] sortedAscending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        return order;
    }

    private static void check(double[] scores, int[] labels) {
        if (scores.length != labels.length || scores.length == 0) {
            throw new IllegalArgumentException("scores and labels must be non-empty and of equal length");
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("NaN score");
            }
        }
    }
}
