package io.earthmover.harness.eval.nab;

import io.earthmover.harness.eval.Detector;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.DetectorSpec;
import io.earthmover.harness.eval.ViaKafka;
import io.earthmover.harness.eval.WganDetector;
import io.earthmover.harness.eval.nab.NabScorer.ScoredSeries;
import java.util.ArrayList;
import java.util.List;

/**
 * NAB's online protocol for one detector: a fresh detector per series, trained on the probationary
 * rows, then asked for each later row's score in time order. Probationary rows get score 0 (the
 * scorer ignores them).
 */
public final class NabRunner {
    /** Seed of every detector, so runs repeat. */
    public static final long SEED = 42L;

    private NabRunner() {
    }

    /** Name suffix of the critic-alone companion's results ({@link WganDetector#criticAloneScores()}). */
    public static final String CRITIC_ALONE = "-critic-alone";

    /** One series' scores, and for wgan with the rules on, the critic-alone companion's (else null). */
    public record Run(ScoredSeries served, ScoredSeries criticAlone) {
    }

    public static ScoredSeries run(DetectorFactory factory, NabSeries s) {
        return run(factory, s, null);
    }

    /** As {@link #run(DetectorFactory, NabSeries, ViaKafka)}, with the critic-alone scores beside. */
    public static Run runWithCompanion(DetectorFactory factory, NabSeries s, ViaKafka kafka) {
        ScoredSeries[] alone = new ScoredSeries[1];
        ScoredSeries served = run(factory, s, kafka, alone);
        return new Run(served, alone[0]);
    }

    /**
     * As {@link #run(DetectorFactory, NabSeries)}; with {@code kafka} non-null, a {@code wgan}
     * detector's scores are replaced by the ones its records and models get from the Kafka scorer.
     */
    public static ScoredSeries run(DetectorFactory factory, NabSeries s, ViaKafka kafka) {
        return run(factory, s, kafka, new ScoredSeries[1]);
    }

    private static ScoredSeries run(DetectorFactory factory, NabSeries s, ViaKafka kafka, ScoredSeries[] alone) {
        Detector d = factory.create(new DetectorSpec(1, true, SEED));
        if (d instanceof WganDetector w) {
            w.nameSeries(s.relativePath());
            w.timestamps(s.epochMillis());
        }
        int prob = s.probationaryRows();
        List<double[]> train = new ArrayList<>(prob);
        for (int i = 0; i < prob; i++) {
            train.add(new double[] {s.values()[i]});
        }
        d.train(train);
        double[] scores = new double[s.rows()];
        for (int i = prob; i < s.rows(); i++) {
            scores[i] = d.score(s.epochMillis()[i], new double[] {s.values()[i]});
        }
        if (d instanceof WganDetector w) {
            // true alarm: inside one of the series' anomaly windows (NAB's own notion of a detection)
            w.tallyAlarms(i -> inWindow(s, prob + i));
            double[] a = w.criticAloneScores();
            if (a != null) {
                double[] all = new double[s.rows()];
                System.arraycopy(a, 0, all, prob, a.length);
                alone[0] = new ScoredSeries(s, all);
            }
        }
        if (kafka != null && d instanceof WganDetector w && w.trace() != null) {
            double[] viaKafka = kafka.replay(w.trace());
            System.arraycopy(viaKafka, 0, scores, prob, viaKafka.length);
        }
        return new ScoredSeries(s, scores);
    }

    private static boolean inWindow(NabSeries s, int row) {
        for (NabWindow w : s.windows()) {
            if (w.contains(row)) {
                return true;
            }
        }
        return false;
    }
}
