package io.earthmover.harness.eval.tabular;

import io.earthmover.harness.eval.Detector;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.DetectorSpec;
import io.earthmover.harness.eval.RankMetrics;
import io.earthmover.harness.eval.RankMetrics.PrPoint;
import io.earthmover.harness.eval.StandardScaler;
import io.earthmover.harness.eval.Stopwatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Semi-supervised protocol: for each seed, a seeded shuffle picks {@code trainShare} of the normal
 * rows for training (StandardScaler fitted on them); the detector (frozen, no time order) trains
 * on them and scores the rest of the normal rows plus every anomaly; ROC-AUC and PR-AUC (average
 * precision) are reported as mean ± std (population std, numpy's default) over the seeds.
 */
public final class TabularEvaluator {
    public static final int DEFAULT_SEEDS = 5;
    public static final double DEFAULT_TRAIN_SHARE = 0.5;

    private final int seeds;
    private final double trainShare;

    public TabularEvaluator(int seeds, double trainShare) {
        if (seeds < 1 || !(trainShare > 0 && trainShare < 1)) {
            throw new IllegalArgumentException("need seeds >= 1 and 0 < trainShare < 1");
        }
        this.seeds = seeds;
        this.trainShare = trainShare;
    }

    public record Result(String detector, String dataset, double[] rocAuc, double[] prAuc, List<PrPoint> firstSeedCurve,
            double firstSeedPrevalence, double seconds) {
        public double rocMean() {
            return mean(rocAuc);
        }

        public double rocStd() {
            return std(rocAuc);
        }

        public double prMean() {
            return mean(prAuc);
        }

        public double prStd() {
            return std(prAuc);
        }
    }

    public Result evaluate(DetectorFactory factory, TabularData data) {
        Stopwatch sw = new Stopwatch();
        double[] roc = new double[seeds];
        double[] pr = new double[seeds];
        List<PrPoint> curve = null;
        double prevalence = 0;
        List<Integer> normals = new ArrayList<>();
        List<Integer> anomalies = new ArrayList<>();
        for (int i = 0; i < data.labels().length; i++) {
            (data.labels()[i] != 0 ? anomalies : normals).add(i);
        }
        for (int seed = 0; seed < seeds; seed++) {
            List<Integer> shuffled = new ArrayList<>(normals);
            Collections.shuffle(shuffled, new Random(seed));
            int nTrain = (int) Math.floor(trainShare * shuffled.size());
            List<double[]> train = new ArrayList<>();
            for (int i : shuffled.subList(0, nTrain)) {
                train.add(data.rows()[i]);
            }
            List<Integer> test = new ArrayList<>(shuffled.subList(nTrain, shuffled.size()));
            test.addAll(anomalies);
            Collections.sort(test);
            StandardScaler scaler = StandardScaler.fit(train);
            List<double[]> scaled = train.stream().map(scaler::transform).toList();
            Detector d = factory.create(new DetectorSpec(data.rows()[0].length, false, seed));
            d.train(scaled);
            double[] scores = new double[test.size()];
            int[] labels = new int[test.size()];
            for (int k = 0; k < test.size(); k++) {
                int i = test.get(k);
                scores[k] = d.score(k, scaler.transform(data.rows()[i]));
                labels[k] = data.labels()[i];
            }
            roc[seed] = RankMetrics.rocAuc(scores, labels);
            pr[seed] = RankMetrics.averagePrecision(scores, labels);
            if (seed == 0) {
                curve = RankMetrics.prCurve(scores, labels);
                prevalence = (double) anomalies.size() / test.size();
            }
        }
        return new Result(factory.name(), data.name(), roc, pr, curve, prevalence, sw.seconds());
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }
}
