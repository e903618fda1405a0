package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.model.Calibration;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ModelManifest;
import io.earthmover.model.ScoreResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Training data a naive trainer chokes on: constant features, a critic flat over the data. */
class DegenerateDataTest {
    private static final double[] LEVELS = {3, 4};

    @Test
    void allFeaturesConstantGiveAModelWhoseScoreRisesWithAnyDeparture() throws Exception {
        double[][] rows = new double[600][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = LEVELS.clone();
        }
        ModelBundle b = fit(rows);
        FastScorer s = b.newScorer(0);
        ScoreResult at = score(b, s, LEVELS);
        assertThat(at.anomaly).isFalse();
        for (int f = 0; f < LEVELS.length; f++) {
            for (double rel : new double[] {1e-4, -1e-4, 1e-2, -1e-2}) {
                double[] x = LEVELS.clone();
                x[f] *= 1 + rel;
                ScoreResult r = score(b, s, x);
                assertThat(r.anomaly).as("feature %d moved by %s of its level", f, rel).isTrue();
                assertThat(r.score).isGreaterThan(at.score);
            }
        }
    }

    @Test
    void someConstantFeaturesFlagADepartureOfTheConstantOneButNotTheVaryingOnesNormalSpread() throws Exception {
        Random r = new Random(11);
        double[][] rows = new double[1500][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {10 + r.nextGaussian(), 7};
        }
        ModelBundle b = fit(rows);
        FastScorer s = b.newScorer(0);
        int normalFlags = 0;
        int movedFlags = 0;
        int n = 400;
        for (int i = 0; i < n; i++) {
            double x = 10 + r.nextGaussian();
            normalFlags += score(b, s, new double[] {x, 7}).anomaly ? 1 : 0;
            movedFlags += score(b, s, new double[] {x, 7.01}).anomaly ? 1 : 0;
        }
        assertThat(normalFlags).isLessThan(n / 10);
        assertThat(movedFlags).isEqualTo(n);
    }

    @Test
    void aSlowRampDoesNotMakeEverySlightlyDifferentRecordAnAnomaly() throws Exception {
        // a level creeping up by 1e-4 a step: records between the training ones are "slightly different"
        double[][] rows = new double[1200][];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = new double[] {50 + 1e-4 * t, 20 - 5e-5 * t};
        }
        ModelBundle b = fit(rows);
        FastScorer s = b.newScorer(0);
        int flagged = 0;
        int ones = 0;
        int n = 0;
        for (int t = 100; t < 1100; t += 5) {
            ScoreResult r = score(b, s, new double[] {50 + 1e-4 * (t + 0.5), 20 - 5e-5 * (t + 0.5)});
            flagged += r.anomaly ? 1 : 0;
            ones += r.score > 0.999 ? 1 : 0;
            n++;
        }
        assertThat(flagged).isLessThan(n / 10);
        assertThat(ones).isLessThan(n / 10);
    }

    @Test
    void theCalibrationFloorSpreadsATinyHoldoutSoASmallDepartureIsNotScoredOne() {
        // holdout critic values spanning 0.004, as a critic flat over a slow ramp gives
        double[] tiny = new double[400];
        Random r = new Random(3);
        for (int i = 0; i < tiny.length; i++) {
            tiny[i] = 1.0 + 0.004 * r.nextDouble();
        }
        double slightlyLower = 1.0 - 0.01;
        assertThat(Calibration.fit(tiny).score(slightlyLower)).isGreaterThan(0.999);
        double floor = 0.05;
        Calibration floored = Calibration.fit(CalibrationFloor.apply(tiny, floor));
        assertThat(floored.score(slightlyLower)).isLessThan(0.9);
        // ranks are kept: a lower critic still scores higher
        assertThat(floored.score(0.9)).isGreaterThan(floored.score(slightlyLower));
        // a holdout that spreads wider than the floor is left as it is
        double[] wide = r.doubles(400).map(v -> 3 * v).toArray();
        assertThat(CalibrationFloor.apply(wide, floor)).isSameAs(wide);
    }

    @Test
    void theGateRefusesAModelThatFlagsNearlyAllSlightlyShiftedNormalRows() throws Exception {
        double[][] rows = new double[600][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = LEVELS.clone();
        }
        ModelBundle floored = fit(rows);
        List<double[][]> windows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            windows.add(new double[][] {LEVELS.clone()});
        }
        QualityGate gate = new QualityGate(QualityGate.Limits.of(EarthmoverConfig.of(Map.of())));
        QualityGate.Decision ok = gate.decide(floored, null, windows, 1);
        assertThat(ok.accepted()).as(ok.reason()).isTrue();
        // the same critic calibrated on its holdout's critic values as they are (they barely spread:
        // every holdout row is the constant): the normal rows pass, but a step of a tenth of the
        // data's scale is scored an anomaly almost every time
        ModelBundle unfloored = recalibrated(floored, score(floored, floored.newScorer(0), LEVELS).critic, 1e-5);
        assertThat(QualityGate.falseAlarmRate(unfloored, windows)).isLessThan(0.05);
        QualityGate.Decision d = gate.decide(unfloored, null, windows, 1);
        assertThat(d.accepted()).isFalse();
        assertThat(d.reason()).contains("moved by 0.10 of each feature's scale").contains("would alarm on almost any")
                .contains("train.gate.max.shifted.far 90 %");
        // the limit is the user's: with it at 100 % the same model passes
        QualityGate lenient = new QualityGate(QualityGate.Limits.of(EarthmoverConfig.of(Map.of("train.gate.max.shifted.far", "1.0"))));
        assertThat(lenient.decide(unfloored, null, windows, 1).accepted()).isTrue();
    }

    /** {@code b} calibrated on 400 critic values spread by {@code spread} around {@code centre}. */
    private static ModelBundle recalibrated(ModelBundle b, double centre, double spread) throws Exception {
        double[] values = new double[400];
        for (int i = 0; i < values.length; i++) {
            values[i] = centre + spread * (i - values.length / 2.0) / values.length;
        }
        ModelManifest m = b.manifest();
        Calibration cal = Calibration.fit(values);
        double criticThreshold = cal.criticAt(1 - m.thresholdQuantile());
        ModelManifest.CalibrationTable table = new ModelManifest.CalibrationTable(values.length, cal.values(), cal.cdf(),
                m.calibration().attributionBaseline());
        ModelManifest sq = new ModelManifest(m.formatVersion(), m.version(), m.createdAt(), m.featureNames(), m.named(),
                m.window(), m.differences(), m.normaliser(), m.architecture(), table, cal.score(criticThreshold),
                criticThreshold, m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), m.alarm(),
                m.keyStandardise(), null);
        return ModelBundle.create(sq, b.criticWeights(), b.criticBiases());
    }

    private static ModelBundle fit(double[][] rows) throws TrainingException {
        return new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(rows[0].length),
                ModelTrainerTest.fast(300), Map.of(), null).bundle();
    }

    private static ScoreResult score(ModelBundle b, FastScorer s, double[] raw) {
        float[] in = new float[b.featuriser().inputSize()];
        b.featuriser().featurise(new double[][] {raw}, in);
        ScoreResult r = new ScoreResult(0);
        s.score(in, r);
        return r;
    }
}
