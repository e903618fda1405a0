package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.harness.eval.nab.NabRunner;
import io.earthmover.harness.eval.nab.NabScorer.ScoredSeries;
import io.earthmover.harness.eval.nab.NabSeries;
import io.earthmover.harness.eval.nab.NabWindow;
import io.earthmover.harness.eval.skab.SkabData;
import io.earthmover.harness.eval.skab.SkabEvaluator;
import io.earthmover.harness.eval.skab.SkabExperiment;
import io.earthmover.harness.eval.skab.SkabTrack;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --via-kafka} on small generated slices (never ../shared): wgan's scores read back from
 * the Kafka scorer equal, bit for bit, those of an independent in-process run, for a univariate
 * NAB-style series (anomaly likelihood) and a multivariate SKAB-style file (tail-mapped calibrated
 * score), both with retraining (several models swapped into the running scorer).
 */
class EvaluateViaKafkaIT {
    private static ViaKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = ViaKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void nabSeriesLikelihoodsThroughKafkaEqualTheInProcessOnesAcrossModelSwaps() {
        NabSeries s = nabSlice(1200, 1000);
        WganDetectorFactory.Output lik = WganDetectorFactory.Output.LIKELIHOOD;
        ScoredSeries local = NabRunner.run(new WganDetectorFactory(300, false, lik), s);
        long before = kafka.equality().compared();
        ScoredSeries viaKafka = NabRunner.run(new WganDetectorFactory(300, true, lik), s, kafka);

        int prob = s.probationaryRows();
        assertThat(kafka.equality().compared() - before).isEqualTo(s.rows() - prob);
        assertThat(kafka.equality().allIdentical()).as("%s", kafka.equality()).isTrue();
        assertThat(viaKafka.scores()).containsExactly(local.scores());
        // the planted level shift alarms (red level 0.5) within the likelihood's averaging window,
        // above every row of the quiet stretch before it
        double quietMax = 0;
        for (int i = prob; i < 1000; i++) {
            quietMax = Math.max(quietMax, local.scores()[i]);
        }
        double shiftMax = 0;
        for (int i = 1000; i < 1010; i++) {
            shiftMax = Math.max(shiftMax, local.scores()[i]);
        }
        assertThat(shiftMax).isGreaterThanOrEqualTo(0.5).isGreaterThan(quietMax);
    }

    @Test
    void skabFileScoresThroughKafkaEqualTheInProcessScoresAcrossModelSwaps() {
        SkabExperiment e = skabSlice(1000, 3, 800);
        SkabData data = new SkabData(List.of(e), skabSlice(500, 3, -1));
        SkabEvaluator.Result local = new SkabEvaluator(0.99).evaluate(new WganDetectorFactory(200, false, WganDetectorFactory.Output.TAIL), data,
                SkabTrack.OUTLIER);
        long before = kafka.equality().compared();
        SkabEvaluator.Result viaKafka = new SkabEvaluator(0.99, kafka).evaluate(new WganDetectorFactory(200, true, WganDetectorFactory.Output.TAIL), data,
                SkabTrack.OUTLIER);

        assertThat(kafka.equality().compared() - before).isEqualTo(e.size() - SkabEvaluator.TRAIN_ROWS);
        assertThat(kafka.equality().allIdentical()).as("%s", kafka.equality()).isTrue();
        assertThat(viaKafka.files().get(0).testScores()).containsExactly(local.files().get(0).testScores());
        assertThat(viaKafka.metrics()).isEqualTo(local.metrics());
    }

    /** A daily-ish sine with noise and a level shift at {@code shiftAt}. */
    static NabSeries nabSlice(int rows, int shiftAt) {
        Random rnd = new Random(3);
        List<String> ts = new ArrayList<>();
        long[] ms = new long[rows];
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            ms[i] = 1_400_000_000_000L + 300_000L * i;
            ts.add(Long.toString(ms[i]));
            v[i] = 10 + 3 * Math.sin(2 * Math.PI * i / 48.0) + 0.2 * rnd.nextGaussian() + (i >= shiftAt ? 15 : 0);
        }
        return new NabSeries("generated/slice.csv", ts, ms, v, List.of(new NabWindow(shiftAt - 10, shiftAt + 10)));
    }

    /** Correlated sensors with an offset on sensor 0 from {@code anomalyFrom} (or none when negative). */
    static SkabExperiment skabSlice(int rows, int sensors, int anomalyFrom) {
        Random rnd = new Random(rows);
        long[] ms = new long[rows];
        double[][] x = new double[rows][sensors];
        int[] label = new int[rows];
        for (int i = 0; i < rows; i++) {
            ms[i] = 1_580_000_000_000L + 1000L * i;
            double common = Math.sin(i / 30.0) + 0.1 * rnd.nextGaussian();
            for (int j = 0; j < sensors; j++) {
                x[i][j] = (j + 1) * common + 0.05 * rnd.nextGaussian();
            }
            if (anomalyFrom >= 0 && i >= anomalyFrom) {
                x[i][0] += 2.0;
                label[i] = 1;
            }
        }
        return new SkabExperiment("generated/" + rows + ".csv", ms, x, label);
    }
}
