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
 * {@code --via-kafka} on small generated slices (never ../shared): every record wgan sent through
 * the in-process scorer, sent through the Kafka scorer, comes back with the same served output
 * (the score JSON byte for byte but {@code scoredAt}; a dead letter with the same code), for a
 * univariate NAB-style series and a multivariate SKAB-style file, both with retraining (several
 * models swapped into the running scorer, keys keeping their state). One broker serves both; the
 * second benchmark's other configuration and feature count take a new scorer application.
 */
class EvaluateViaKafkaIT {
    private static final Profile NAB = Profile.builtIn(Profile.UNIVARIATE_SERIES);
    private static ViaKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = ViaKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static WganDetectorFactory wgan(Profile p, ServedField field, int retrainEvery, boolean trace) {
        return new WganDetectorFactory(p, p.config(), field, retrainEvery, trace);
    }

    @Test
    void nabSeriesServedOutputThroughKafkaEqualsTheInProcessOutputAcrossModelSwapsAndDeadLetters() {
        NabSeries s = nabSlice(1200, 1000, 1100);
        ScoredSeries local = NabRunner.run(wgan(NAB, ServedField.ALARM_SCORE, 300, false), s);
        WganDetectorFactory traced = wgan(NAB, ServedField.ALARM_SCORE, 300, true);
        long before = kafka.equality().compared();
        ScoredSeries viaKafka = NabRunner.run(traced, s, kafka);

        // every row of the series went through Kafka, the probationary (training) rows too
        assertThat(kafka.equality().compared() - before).isEqualTo(s.rows());
        assertThat(kafka.equality().allIdentical()).as("%s", kafka.equality()).isTrue();
        // the first training and retrainings at 300, 600 and 900 scored rows; at least one swap into the running scorer
        assertThat(traced.outcome()).contains("Trainings: 4 (", "1 records dead-lettered");
        java.util.regex.Matcher accepted = java.util.regex.Pattern.compile("\\((\\d+) accepted").matcher(traced.outcome());
        assertThat(accepted.find()).isTrue();
        assertThat(Integer.parseInt(accepted.group(1))).as(traced.outcome()).isGreaterThanOrEqualTo(2);
        assertThat(viaKafka.scores()).containsExactly(local.scores());
        // the planted level shift alarms at once; the quiet stretch before it hardly ever does
        int prob = s.probationaryRows();
        long quietAlarms = java.util.Arrays.stream(local.scores(), prob, 1000).filter(x -> x >= 0.5).count();
        assertThat(local.scores()[1000]).isGreaterThanOrEqualTo(0.5);
        assertThat(quietAlarms).as("alarms in %d quiet rows", 1000 - prob).isLessThan((1000 - prob) / 50);
    }

    @Test
    void skabFileServedAnomalyThroughKafkaEqualsTheInProcessOneAcrossModelSwaps() {
        Profile p = Profile.builtIn(Profile.MULTIVARIATE_SENSORS);
        SkabExperiment e = skabSlice(1000, 3, 800);
        SkabData data = new SkabData(List.of(e), skabSlice(500, 3, -1));
        SkabEvaluator.Result local = new SkabEvaluator(0.99).evaluate(wgan(p, ServedField.ANOMALY, 200, false), data,
                SkabTrack.OUTLIER);
        long before = kafka.equality().compared();
        SkabEvaluator.Result viaKafka = new SkabEvaluator(0.99, kafka).evaluate(wgan(p, ServedField.ANOMALY, 200, true),
                data, SkabTrack.OUTLIER);

        assertThat(kafka.equality().compared() - before).isEqualTo(e.size());
        assertThat(kafka.equality().allIdentical()).as("%s", kafka.equality()).isTrue();
        assertThat(viaKafka.files().get(0).testScores()).containsExactly(local.files().get(0).testScores());
        assertThat(viaKafka.metrics()).isEqualTo(local.metrics());
        assertThat(local.metrics().tp()).as("the offset on sensor 0 is flagged").isPositive();
    }

    /**
     * A daily-ish sine with noise, a level shift at {@code shiftAt} and one value at {@code hugeAt}
     * too far outside the model's range to score (a NON_FINITE dead letter).
     */
    static NabSeries nabSlice(int rows, int shiftAt, int hugeAt) {
        Random rnd = new Random(3);
        List<String> ts = new ArrayList<>();
        long[] ms = new long[rows];
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            ms[i] = 1_400_000_000_000L + 300_000L * i;
            ts.add(Long.toString(ms[i]));
            v[i] = 10 + 3 * Math.sin(2 * Math.PI * i / 48.0) + 0.2 * rnd.nextGaussian() + (i >= shiftAt ? 15 : 0);
        }
        v[hugeAt] = 1e300;
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
