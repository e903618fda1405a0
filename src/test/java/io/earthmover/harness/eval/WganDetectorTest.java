package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.features.Featuriser;
import io.earthmover.model.AnomalyLikelihood;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ScoreResult;
import io.earthmover.train.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WganDetectorTest {
    private static List<double[]> gaussianRows(int n, int d, Random rnd) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] r = new double[d];
            for (int j = 0; j < d; j++) {
                r[j] = rnd.nextGaussian();
            }
            rows.add(r);
        }
        return rows;
    }

    @Test
    void scoresAnOutlierAboveNormalRowsWithCalibratedHoldoutScores() {
        for (boolean streaming : new boolean[] {true, false}) {
            Random rnd = new Random(5);
            Detector det = new WganDetectorFactory().create(new DetectorSpec(2, streaming, 7));
            double[] calib = det.train(gaussianRows(400, 2, rnd));
            assertThat(calib).isNotEmpty();
            assertThat(java.util.Arrays.stream(calib).boxed().toList()).allMatch(s -> s > 0 && s < 1);
            double maxNormal = 0;
            for (int i = 0; i < 50; i++) {
                maxNormal = Math.max(maxNormal, det.score(i, new double[] {0.3 * rnd.nextGaussian(), 0.3 * rnd.nextGaussian()}));
            }
            double outlier = det.score(99, new double[] {9.0, -9.0});
            assertThat(outlier).as("streaming=%s", streaming).isGreaterThan(maxNormal).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void followsTheStatedRulePerKindOfData() {
        TrainingSettings nab = WganDetectorFactory.settings(new DetectorSpec(1, true, 1));
        TrainingSettings skab = WganDetectorFactory.settings(new DetectorSpec(8, true, 1));
        TrainingSettings tab = WganDetectorFactory.settings(new DetectorSpec(6, false, 1));
        assertThat(List.of(nab.window(), skab.window(), tab.window()))
                .containsExactly(WganDetectorFactory.SERIES_WINDOW, WganDetectorFactory.MULTI_WINDOW, 1);
        assertThat(List.of(nab.differences(), skab.differences(), tab.differences())).containsExactly(true, true, false);
        assertThat(nab.normaliser()).isEqualTo("robust");
        assertThat(tab.auxFraction()).isPositive();
    }

    @Test
    void constantTrainingRowsLeaveNoModelAndScoreZeroUntilARetrainingHasSomethingToLearn() {
        WganDetector det = (WganDetector) new WganDetectorFactory(100, true, WganDetectorFactory.Output.TAIL).create(new DetectorSpec(1, true, 3));
        List<double[]> flat = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            flat.add(new double[] {5.0});
        }
        assertThat(det.train(flat)).isEmpty();
        assertThat(det.trainings()).isZero();
        Random rnd = new Random(2);
        double[] scores = new double[250];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = det.score(i, new double[] {i < 50 ? 5.0 : 5.0 + rnd.nextGaussian()});
        }
        assertThat(java.util.Arrays.copyOf(scores, 100)).containsOnly(0.0);
        assertThat(det.trainings()).isEqualTo(2); // at rows 100 and 200
        assertThat(det.trace().firstModelRow()).isEqualTo(100);
        assertThat(det.trace().swaps()).extracting(ScoringTrace.Swap::fromRow).containsExactly(100, 200);
        assertThat(java.util.Arrays.stream(scores, 100, 250).max().orElse(0)).isPositive();
    }

    @Test
    void traceHoldsTheWindowHistoryAndEveryScoredRow() {
        WganDetector det = (WganDetector) new WganDetectorFactory(0, true, WganDetectorFactory.Output.TAIL).create(new DetectorSpec(1, true, 3));
        Random rnd = new Random(4);
        det.train(gaussianRows(300, 1, rnd));
        double[] scores = new double[20];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = det.score(i, new double[] {rnd.nextGaussian()});
        }
        ScoringTrace t = det.trace();
        // window 8 with differences needs 9 rows: 8 from training before the first scored row
        assertThat(t.history()).hasSize(WganDetectorFactory.SERIES_WINDOW);
        assertThat(t.rows()).hasSize(scores.length);
        assertThat(t.scores()).containsExactly(scores);
        assertThat(t.swaps()).hasSize(1);
        assertThat(det.trainings()).isEqualTo(1);
    }

    @Test
    void likelihoodLearnsFromTheTrainingRowsAndAlarmsOnceWhenALevelShiftStarts() {
        WganDetector det = (WganDetector) new WganDetectorFactory(0, false, WganDetectorFactory.Output.LIKELIHOOD)
                .create(new DetectorSpec(1, true, 3));
        Random rnd = new Random(6);
        assertThat(det.train(gaussianRows(600, 1, rnd))).as("no out-of-sample training scores").isEmpty();
        double[] quiet = new double[400];
        for (int i = 0; i < quiet.length; i++) {
            quiet[i] = det.score(i, new double[] {rnd.nextGaussian()});
        }
        // seeded with the training rows: active from the first test row, not in nupic's probation
        assertThat(quiet[0]).isNotEqualTo(AnomalyLikelihood.PROBATION_SCORE);
        assertThat(java.util.Arrays.stream(quiet).filter(x -> x >= 0.5).count()).isLessThanOrEqualTo(1);
        double[] shifted = new double[40];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = det.score(400 + i, new double[] {6 + rnd.nextGaussian()});
        }
        assertThat(java.util.Arrays.stream(shifted, 0, 10).max().orElse(0)).isGreaterThanOrEqualTo(0.5);
        assertThat(java.util.Arrays.stream(shifted).filter(x -> x >= 0.5).count()).as("one alarm per lasting shift")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void traceOutputsGiveTheInProcessScoresFromTheScorersRawOutputAcrossRetrainings() {
        for (WganDetectorFactory.Output kind : WganDetectorFactory.Output.values()) {
            WganDetector det = (WganDetector) new WganDetectorFactory(150, true, kind).create(new DetectorSpec(1, true, 3));
            Random rnd = new Random(8);
            det.train(gaussianRows(300, 1, rnd));
            for (int i = 0; i < 400; i++) {
                det.score(i, new double[] {(i > 250 ? 2 : 0) + rnd.nextGaussian()});
            }
            ScoringTrace t = det.trace();
            assertThat(t.swaps()).hasSize(3);
            // what the scorer would emit: each row's calibrated score and critic under its serving model
            List<double[]> all = new ArrayList<>(t.history());
            all.addAll(t.rows());
            double[] calibrated = new double[t.rows().size()];
            double[] critic = new double[calibrated.length];
            ScoreResult r = new ScoreResult(0);
            for (int k = 0; k < t.swaps().size(); k++) {
                ScoringTrace.Swap sw = t.swaps().get(k);
                int to = k + 1 < t.swaps().size() ? t.swaps().get(k + 1).fromRow() : calibrated.length;
                Featuriser f = sw.bundle().featuriser();
                FastScorer scorer = sw.bundle().newScorer(0);
                float[] in = new float[f.inputSize()];
                int h = f.historyLength();
                for (int i = sw.fromRow(); i < to; i++) {
                    int end = t.history().size() + i;
                    f.featurise(all.subList(end - h + 1, end + 1).toArray(new double[0][]), in);
                    scorer.score(in, r);
                    calibrated[i] = r.score;
                    critic[i] = r.critic;
                }
            }
            assertThat(t.outputs(calibrated, critic)).as("%s", kind).containsExactly(t.scores());
        }
    }
}
