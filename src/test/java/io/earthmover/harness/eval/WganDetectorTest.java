package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.harness.ScoreRecord;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static WganDetector detector(String profile, ServedField field, boolean streaming, int retrainEvery) {
        Profile p = Profile.builtIn(profile);
        return (WganDetector) new WganDetectorFactory(p, p.config(), field, retrainEvery, true)
                .create(new DetectorSpec(1, streaming, 1));
    }

    private static ScoreRecord served(ScoringTrace.Sent s) {
        return ScoreRecord.parse(s.outcome().json());
    }

    @Test
    void seriesRowsAllGoThroughTheServicesProcessingAndTheScoreIsTheServedAlarmScore() {
        WganDetector det = detector(Profile.UNIVARIATE_SERIES, ServedField.ALARM_SCORE, true, 0);
        Random rnd = new Random(5);
        List<double[]> train = gaussianRows(500, 1, rnd);
        det.train(train);
        assertThat(det.hasModel()).isTrue();
        double[] scores = new double[60];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = det.score(i, new double[] {rnd.nextGaussian()});
        }
        ScoringTrace t = det.trace();
        // the training rows first (they fill the key's window and alarm history), then the test rows
        assertThat(t.records()).hasSize(train.size() + scores.length);
        assertThat(t.records().subList(0, train.size())).noneMatch(ScoringTrace.Sent::test);
        assertThat(t.records().subList(train.size(), t.records().size())).allMatch(ScoringTrace.Sent::test);
        for (int i = 0; i < scores.length; i++) {
            ScoreRecord r = served(t.records().get(train.size() + i));
            assertThat(r.scored()).isTrue();
            assertThat(scores[i]).isEqualTo(r.alarmScore());
        }
        // an independent scorer of the same model given the same records emits the same JSON
        OfflineScorer again = new OfflineScorer(ScorerSettings.from(Profile.builtIn(Profile.UNIVARIATE_SERIES).config()),
                t.swaps().get(0).bundle(), Clock.systemUTC());
        List<OfflineScorer.Outcome> outcomes = new ArrayList<>();
        for (ScoringTrace.Sent s : t.records()) {
            outcomes.add(again.process("another key", s.value(), s.ts()));
        }
        assertThat(t.testScores(outcomes)).containsExactly(scores);
    }

    @Test
    void aLevelShiftAlarmsAtItsStartAndTheRecordsCarryTheirIdAndPosition() {
        WganDetector det = detector(Profile.UNIVARIATE_SERIES, ServedField.ALARM_SCORE, true, 0);
        Random rnd = new Random(6);
        det.train(gaussianRows(500, 1, rnd));
        for (int i = 0; i < 100; i++) {
            det.score(i, new double[] {rnd.nextGaussian()});
        }
        double[] shifted = new double[20];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = det.score(100 + i, new double[] {8 + rnd.nextGaussian()});
        }
        List<ScoringTrace.Sent> sent = det.trace().records();
        ScoringTrace.Sent first = sent.get(600);
        assertThat(first.id()).isEqualTo("600");
        assertThat(first.ts()).isEqualTo(WganDetector.BASE_TS + 600 * WganDetector.TS_STEP);
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).startsWith("{\"id\":\"600\",\"ts\":");
        ScoreRecord atShift = served(first);
        assertThat(atShift.anomaly()).as("the first shifted record: %s", atShift).isTrue();
        assertThat(shifted[0]).isGreaterThanOrEqualTo(atShift.alarmThreshold());
        assertThat(Arrays.stream(shifted).filter(s -> s >= atShift.alarmThreshold()).count())
                .as("a lasting shift alarms once (refractory period)").isLessThan(shifted.length / 2);
    }

    @Test
    void theCriticAloneCompanionScoresTheSameRecordsWithTheSameModelAndTheRulesOff() {
        WganDetector det = detector(Profile.UNIVARIATE_SERIES, ServedField.ALARM_SCORE, true, 0);
        Random rnd = new Random(6);
        det.train(gaussianRows(500, 1, rnd));
        for (int i = 0; i < 120; i++) {
            // a shift far outside the training range from row 100: the range rule's case
            det.score(i, new double[] {(i >= 100 ? 30 : 0) + rnd.nextGaussian()});
        }
        double[] alone = det.criticAloneScores();
        assertThat(alone).hasSize(120);
        ScoringTrace t = det.trace();
        OfflineScorer independent = new OfflineScorer(ScorerSettings.from(Profile.builtIn(Profile.UNIVARIATE_SERIES).config()
                .with(WganDetector.CRITIC_ALONE)), t.swaps().get(0).bundle(), Clock.systemUTC());
        List<OfflineScorer.Outcome> outcomes = new ArrayList<>();
        for (ScoringTrace.Sent s : t.records()) {
            outcomes.add(independent.process("another key", s.value(), s.ts()));
        }
        assertThat(t.testScores(outcomes)).containsExactly(alone);
        ScoreRecord served = served(t.records().get(600));
        assertThat(served.alarmReason()).as("the served layer alarms by the range rule").isEqualTo("range");
        ScoreRecord byCritic = ScoreRecord.parse(outcomes.get(600).json());
        assertThat(byCritic.alarmReason()).isNotEqualTo("range");
    }

    @Test
    void withoutRangeOrFrozenRulesThereIsNoCompanion() {
        Profile p = Profile.builtIn(Profile.TABULAR);
        WganDetector det = (WganDetector) new WganDetectorFactory(p, p.config(), ServedField.NEGATED_CRITIC, 0, false)
                .create(new io.earthmover.harness.eval.DetectorSpec(2, false, 1));
        assertThat(det.criticAloneScores()).isNull();
    }

    @Test
    void sensorRowsScoreTheServedAnomalyDecision() {
        Profile p = Profile.builtIn(Profile.MULTIVARIATE_SENSORS);
        WganDetector det = (WganDetector) new WganDetectorFactory(p, p.config(), ServedField.ANOMALY, 0, true)
                .create(new DetectorSpec(3, true, 1));
        Random rnd = new Random(7);
        det.train(gaussianRows(400, 3, rnd));
        assertThat(det.decides()).isTrue();
        double[] s = new double[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = det.score(i, i < 20 ? new double[] {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()}
                    : new double[] {9, -9, 9});
        }
        List<ScoringTrace.Sent> sent = det.trace().records();
        for (int i = 0; i < s.length; i++) {
            assertThat(s[i]).isEqualTo(served(sent.get(400 + i)).anomaly() ? 1.0 : 0.0);
        }
        // point-wise profile: every row of a lasting anomaly is flagged, not only its first
        assertThat(Arrays.copyOfRange(s, 22, 40)).containsOnly(1.0);
    }

    @Test
    void tabularRowsScoreOnlyTestRowsWithTheNullKeyRankedByTheNegatedCritic() {
        WganDetector det = detector(Profile.TABULAR, ServedField.NEGATED_CRITIC, false, 0);
        Random rnd = new Random(8);
        det.train(gaussianRows(400, 1, rnd));
        double normal = det.score(0, new double[] {0.1});
        double outlier = det.score(1, new double[] {12.0});
        ScoringTrace t = det.trace();
        assertThat(t.key()).isNull();
        assertThat(t.records()).hasSize(2);
        assertThat(normal).isEqualTo(-served(t.records().get(0)).critic());
        assertThat(outlier).isGreaterThan(normal);
        assertThat(det.decides()).isFalse();
    }

    @Test
    void aSeriesWhoseTrainingFailsHasNoModelAndEveryRowScoresUnserved() {
        WganDetectorFactory f = new WganDetectorFactory(Profile.builtIn(Profile.UNIVARIATE_SERIES),
                Profile.builtIn(Profile.UNIVARIATE_SERIES).config().with(java.util.Map.of("features.window", "1024")),
                ServedField.ALARM_SCORE, 100, true);
        WganDetector det = (WganDetector) f.create(new DetectorSpec(1, true, 1));
        Random rnd = new Random(9);
        det.train(gaussianRows(300, 1, rnd));
        // a window longer than the series: no critic input, so every training fails, no model, no output
        assertThat(det.hasModel()).isFalse();
        double[] s = new double[150];
        for (int i = 0; i < s.length; i++) {
            s[i] = det.score(i, new double[] {rnd.nextGaussian()});
        }
        assertThat(s).containsOnly(0.0);
        assertThat(det.trace().records()).isEmpty();
        assertThat(f.outcome()).contains("Trainings: 2 (0 accepted, 0 refused by the quality gate, 2 failed)",
                "1 of 1 series/files had no model");
    }

    @Test
    void retrainingSwapsAcceptedModelsIntoTheRunningScorer() {
        WganDetector det = detector(Profile.UNIVARIATE_SERIES, ServedField.ALARM_SCORE, true, 150);
        Random rnd = new Random(10);
        det.train(gaussianRows(400, 1, rnd));
        for (int i = 0; i < 320; i++) {
            det.score(i, new double[] {rnd.nextGaussian()});
        }
        ScoringTrace t = det.trace();
        // models from the first training, and the retrainings at rows 150 and 300 (gated against the serving model)
        assertThat(t.swaps()).hasSizeBetween(2, 3);
        assertThat(t.swaps().get(0).fromRecord()).isZero();
        for (int k = 1; k < t.swaps().size(); k++) {
            assertThat(t.swaps().get(k).fromRecord()).isIn(400 + 150, 400 + 300);
            assertThat(t.swaps().get(k).bundle().version()).isNotEqualTo(t.swaps().get(k - 1).bundle().version());
        }
        // each record was scored by the model serving it
        for (ScoringTrace.Sent s : t.records().subList(t.records().size() - 10, t.records().size())) {
            assertThat(served(s).model()).isEqualTo(t.swaps().get(t.swaps().size() - 1).bundle().version());
        }
    }
}
