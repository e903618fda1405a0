package io.earthmover.harness.eval;

/** Confusion counts of binary predictions, with SKAB's F1, FAR and MAR. */
public record BinaryMetrics(long tp, long fp, long tn, long fn) {

    public static BinaryMetrics of(boolean[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("length mismatch");
        }
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean anomaly = labels[i] != 0;
            if (predicted[i]) {
                if (anomaly) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (anomaly) {
                fn++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(tp, fp, tn, fn);
    }

    public BinaryMetrics plus(BinaryMetrics o) {
        return new BinaryMetrics(tp + o.tp, fp + o.fp, tn + o.tn, fn + o.fn);
    }

    /** F1 of the anomaly class; 0 when there is no true positive. */
    public double f1() {
        return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** False alarm rate: % of normal rows flagged. */
    public double farPercent() {
        return fp + tn == 0 ? 0.0 : 100.0 * fp / (fp + tn);
    }

    /** Missing alarm rate: % of anomalous rows missed. */
    public double marPercent() {
        return fn + tp == 0 ? 0.0 : 100.0 * fn / (fn + tp);
    }
}
