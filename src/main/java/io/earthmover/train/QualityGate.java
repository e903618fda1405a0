package io.earthmover.train;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Decides whether a newly trained model may be published. On a validation sample the trainer never
 * saw it measures (a) the false-alarm rate at the model's threshold and (b) the critic's ROC-AUC
 * between the validation windows and synthetic anomalies made from them (the newest record of each
 * window with a few features pushed 5 scale units away, in raw units of the new model's
 * normaliser). A model that learned nothing has AUC near 0.5 and is refused. The limits are tested
 * against 95 % confidence bounds, so a small validation sample (a few dozen windows, where two false
 * alarms are 5 %) does not refuse a model on evidence too thin to show it is bad. If a current model
 * exists it is measured on the same sample and the new one may be worse by at most the tolerance.
 * It also refuses a model that flags more than {@link Limits#maxShiftedFar()} of the validation
 * windows once their newest record is moved by {@link #SMALL_SHIFT_SCALE_UNITS} of each feature's
 * scale: such a model would alarm on nearly every record that is not a copy of the training data.
 * The shift is a constant, not a key, because the trainer's calibration floor ({@link CalibrationFloor})
 * is tied to the same shift: the floor is what lets a model with a tiny holdout spread pass this check.
 */
public final class QualityGate {
    public static final double SHIFT_SCALE_UNITS = 5.0;
    /** Normal rows moved by this share of each feature's scale must not be flagged nearly all. */
    public static final double SMALL_SHIFT_SCALE_UNITS = 0.1;

    /** Limits from configuration ({@code train.gate.*}). */
    public record Limits(double minAuc, double maxFar, double maxShiftedFar, double tolerance) {

        /** The limits the configuration sets. */
        public static Limits of(EarthmoverConfig config) {
            return new Limits(config.get(ConfigKeys.GATE_MIN_AUC), config.get(ConfigKeys.GATE_MAX_FAR),
                    config.get(ConfigKeys.GATE_MAX_SHIFTED_FAR), config.get(ConfigKeys.GATE_TOLERANCE));
        }
    }

    /** Two-sided 95 % normal quantile of the confidence bounds. */
    static final double Z = 1.96;

    /** Measurements of one model on the validation sample, with the sample sizes behind them. */
    public record Measures(double auc, double falseAlarmRate, int normals, int anomalies) {

        /**
         * Upper 95 % confidence bound of the AUC (Hanley and McNeil, Radiology 143, 1982): a model is
         * refused for a low AUC only when even this is below the limit, not on a handful of windows.
         */
        public double aucUpperBound() {
            double a = auc;
            double q1 = a / (2 - a);
            double q2 = 2 * a * a / (1 + a);
            double var = (a * (1 - a) + (normals - 1) * (q1 - a * a) + (anomalies - 1) * (q2 - a * a))
                    / ((double) normals * anomalies);
            return a + Z * Math.sqrt(Math.max(var, 0));
        }

        /** Lower 95 % Wilson bound of the false-alarm rate: refused only when even this is above the limit. */
        public double falseAlarmLowerBound() {
            double n = normals;
            double p = falseAlarmRate;
            double centre = p + Z * Z / (2 * n);
            double half = Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
            return Math.max(0, (centre - half) / (1 + Z * Z / n));
        }
    }

    /** The decision, with its reasons for the log. */
    public record Decision(boolean accepted, String reason, Measures candidate, Measures current) {
    }

    private final Limits limits;

    public QualityGate(Limits limits) {
        this.limits = limits;
    }

    public Decision decide(ModelBundle candidate, ModelBundle current, List<double[][]> validation, long seed) {
        double w = candidate.wasserstein();
        double sep = candidate.manifest().metrics().separation();
        if (!Double.isFinite(w) || !Double.isFinite(sep)) {
            return new Decision(false, "Wasserstein estimate " + w + " or separation " + sep + " is not finite", null, null);
        }
        if (validation.isEmpty()) {
            return new Decision(false, "no validation windows", null, null);
        }
        List<double[][]> anomalies = synthesise(candidate, validation, seed);
        Measures c = measure(candidate, validation, anomalies);
        if (c.aucUpperBound() < limits.minAuc()) {
            return new Decision(false, String.format("AUC %.3f against synthetic anomalies (95 %% bound %.3f on %d windows)"
                    + " is below train.gate.min.auc %.3f", c.auc(), c.aucUpperBound(), c.normals(), limits.minAuc()), c, null);
        }
        if (c.falseAlarmLowerBound() > limits.maxFar()) {
            return new Decision(false, String.format("false-alarm rate %.4f (95 %% bound %.4f on %d windows) is above"
                    + " train.gate.max.far %.4f", c.falseAlarmRate(), c.falseAlarmLowerBound(), c.normals(), limits.maxFar()),
                    c, null);
        }
        double shiftedFar = falseAlarmRate(candidate, shifted(candidate, validation, SMALL_SHIFT_SCALE_UNITS, seed + 1));
        if (shiftedFar > limits.maxShiftedFar()) {
            return new Decision(false, String.format("the model flags %.1f %% of the validation windows when their newest"
                    + " record is moved by %.2f of each feature's scale (train.gate.max.shifted.far %.0f %%): it would alarm"
                    + " on almost any record that is not an exact copy of the training data (a holdout whose critic values"
                    + " barely spread?)", 100 * shiftedFar, SMALL_SHIFT_SCALE_UNITS, 100 * limits.maxShiftedFar()), c, null);
        }
        if (current == null) {
            return new Decision(true, String.format("AUC %.3f, false-alarm rate %.4f; no current model", c.auc(), c.falseAlarmRate()), c, null);
        }
        if (!current.schema().equals(candidate.schema())
                || current.featuriser().historyLength() != candidate.featuriser().historyLength()) {
            return new Decision(true, "current model has other features or window: not comparable, the new one stands alone", c, null);
        }
        Measures old = measure(current, validation, anomalies);
        if (c.auc() < old.auc() - limits.tolerance()) {
            return new Decision(false, String.format("AUC %.3f is worse than the current model's %.3f by more than %.3f",
                    c.auc(), old.auc(), limits.tolerance()), c, old);
        }
        if (c.falseAlarmRate() > old.falseAlarmRate() + limits.tolerance()) {
            return new Decision(false, String.format("false-alarm rate %.4f is worse than the current model's %.4f by more than %.3f",
                    c.falseAlarmRate(), old.falseAlarmRate(), limits.tolerance()), c, old);
        }
        return new Decision(true, String.format("AUC %.3f (current %.3f), false-alarm rate %.4f (current %.4f)",
                c.auc(), old.auc(), c.falseAlarmRate(), old.falseAlarmRate()), c, old);
    }

    /**
     * The validation windows with every record feature of the newest record moved by +-units of its
     * scale (random signs). Derived features (the time of day) are never moved: no record can carry a wrong one.
     */
    static List<double[][]> shifted(ModelBundle candidate, List<double[][]> validation, double units, long seed) {
        return perturbNewest(candidate, validation, seed, (last, n, scale, r) -> {
            for (int f = 0; f < n; f++) {
                last[f] += (r.nextBoolean() ? 1 : -1) * units * scale[f];
            }
        });
    }

    static List<double[][]> synthesise(ModelBundle candidate, List<double[][]> validation, long seed) {
        return perturbNewest(candidate, validation, seed, (last, n, scale, r) -> {
            int k = 1 + r.nextInt(Math.min(3, n));
            for (int j = 0; j < k; j++) {
                int f = r.nextInt(n);
                last[f] += (r.nextBoolean() ? 1 : -1) * SHIFT_SCALE_UNITS * scale[f];
            }
        });
    }

    /** Changes the first {@code n} (the record's own) features of the newest record of each window, in place on a copy. */
    private interface Perturbation {
        void apply(double[] newest, int n, double[] scale, Random r);
    }

    /** Copies of the validation windows whose newest record {@code p} changed; one seeded stream for all. */
    private static List<double[][]> perturbNewest(ModelBundle candidate, List<double[][]> validation, long seed, Perturbation p) {
        Random r = new Random(seed);
        double[] scale = candidate.manifest().normaliser().scale();
        List<double[][]> out = new ArrayList<>(validation.size());
        for (double[][] w : validation) {
            double[][] a = new double[w.length][];
            for (int i = 0; i < w.length; i++) {
                a[i] = w[i].clone();
            }
            p.apply(a[a.length - 1], candidate.schema().recordSize(), scale, r);
            out.add(a);
        }
        return out;
    }

    static Measures measure(ModelBundle b, List<double[][]> normal, List<double[][]> anomalies) {
        FastScorer s = b.newScorer(0);
        ScoreResult r = new ScoreResult(0);
        float[] in = new float[b.featuriser().inputSize()];
        int h = b.featuriser().historyLength();
        double[] cn = new double[normal.size()];
        int alarms = 0;
        for (int i = 0; i < normal.size(); i++) {
            b.featuriser().featurise(tail(normal.get(i), h), in);
            s.score(in, r);
            cn[i] = r.critic;
            alarms += r.anomaly ? 1 : 0;
        }
        double[] ca = new double[anomalies.size()];
        for (int i = 0; i < anomalies.size(); i++) {
            b.featuriser().featurise(tail(anomalies.get(i), h), in);
            s.score(in, r);
            ca[i] = r.critic;
        }
        return new Measures(auc(cn, ca), alarms / (double) normal.size(), normal.size(), anomalies.size());
    }

    /** Share of the windows the model flags (score at or above its threshold). */
    static double falseAlarmRate(ModelBundle b, List<double[][]> windows) {
        FastScorer s = b.newScorer(0);
        ScoreResult r = new ScoreResult(0);
        float[] in = new float[b.featuriser().inputSize()];
        int h = b.featuriser().historyLength();
        int alarms = 0;
        for (double[][] w : windows) {
            b.featuriser().featurise(tail(w, h), in);
            s.score(in, r);
            alarms += r.anomaly ? 1 : 0;
        }
        return alarms / (double) windows.size();
    }

    private static double[][] tail(double[][] w, int h) {
        return w.length == h ? w : java.util.Arrays.copyOfRange(w, w.length - h, w.length);
    }

    /** P(critic of a normal window > critic of an anomaly), ties half: the Mann-Whitney form of ROC-AUC. */
    static double auc(double[] normal, double[] anomalous) {
        return RocAuc.of(normal, anomalous);
    }
}
