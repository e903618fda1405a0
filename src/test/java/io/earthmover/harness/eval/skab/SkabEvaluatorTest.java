package io.earthmover.harness.eval.skab;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.harness.eval.Profile;
import io.earthmover.harness.eval.ServedField;
import io.earthmover.harness.eval.WganDetectorFactory;
import io.earthmover.harness.eval.ZScoreDetectorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkabEvaluatorTest {
    @TempDir
    Path dir;

    /** Writes a SKAB-format file: normal noise, a level shift on the last {@code anomalous} rows. */
    private static void writeExperiment(Path file, int rows, int anomalous, long seed) throws IOException {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder("datetime;" + String.join(";", SkabData.SENSORS) + ";anomaly;changepoint\n");
        for (int i = 0; i < rows; i++) {
            boolean a = i >= rows - anomalous;
            sb.append(String.format("2020-03-09 10:%02d:%02d", (i / 60) % 60, i % 60));
            for (int j = 0; j < SkabData.SENSORS.size(); j++) {
                sb.append(';').append(10 + rnd.nextGaussian() + (a && j == 3 ? 8 : 0));
            }
            sb.append(';').append(a ? "1.0" : "0.0").append(";0.0\n");
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());
    }

    private SkabData smallCorpus() throws IOException {
        writeExperiment(dir.resolve("data/valve1/1.csv"), 600, 100, 1);
        writeExperiment(dir.resolve("data/valve1/0.csv"), 600, 100, 2);
        writeExperiment(dir.resolve("data/valve2/0.csv"), 500, 50, 3);
        Files.createDirectories(dir.resolve("data/other"));
        Path free = dir.resolve("data/anomaly-free/anomaly-free.csv");
        writeExperiment(free, 300, 0, 4);
        Files.writeString(free, Files.readString(free).replace(";anomaly;changepoint", "").replaceAll(";0\\.0;0\\.0\n", "\n"));
        return SkabData.load(dir);
    }

    @Test
    void loadsExperimentsInGroupAndNumericOrderWithLabels() throws IOException {
        SkabData data = smallCorpus();
        assertThat(data.experiments()).extracting(SkabExperiment::name)
                .containsExactly("valve1/0.csv", "valve1/1.csv", "valve2/0.csv");
        assertThat(data.experiments().get(0).rows()[0]).hasSize(8);
        assertThat(data.experiments().get(0).anomaly()).containsOnly(0, 1);
        assertThat(data.anomalyFree().size()).isEqualTo(300);
    }

    @Test
    void scoresOnlyTestRowsAndDetectsALevelShift() throws IOException {
        SkabData data = smallCorpus();
        SkabEvaluator.Result r = new SkabEvaluator(SkabEvaluator.DEFAULT_QUANTILE)
                .evaluate(new ZScoreDetectorFactory(), data, SkabTrack.OUTLIER);
        long testRows = data.experiments().stream().mapToLong(e -> e.size() - SkabEvaluator.TRAIN_ROWS).sum();
        var m = r.metrics();
        assertThat(m.tp() + m.fp() + m.tn() + m.fn()).isEqualTo(testRows);
        assertThat(m.tp()).isPositive();
        assertThat(m.marPercent()).isLessThan(100.0);
    }

    @Test
    void wganPredictsWithTheServicesOwnAnomalyFieldWithoutAThresholdRule() throws IOException {
        SkabData data = smallCorpus();
        WganDetectorFactory wgan = WganDetectorFactory.builtIn(Profile.MULTIVARIATE_SENSORS, ServedField.ANOMALY);
        // any quantile: the rule is not applied to a detector that decides itself
        SkabEvaluator.Result a = new SkabEvaluator(0.5).evaluate(wgan, data, SkabTrack.OUTLIER);
        SkabEvaluator.Result b = new SkabEvaluator(0.999).evaluate(
                WganDetectorFactory.builtIn(Profile.MULTIVARIATE_SENSORS, ServedField.ANOMALY), data, SkabTrack.OUTLIER);
        assertThat(a.metrics()).as(wgan.outcome()).isEqualTo(b.metrics());
        for (SkabEvaluator.FileResult f : a.files()) {
            assertThat(java.util.Arrays.stream(f.testScores()).allMatch(x -> x == 0.0 || x == 1.0)).isTrue();
            for (int i = 0; i < f.predicted().length; i++) {
                assertThat(f.predicted()[i]).isEqualTo(f.testScores()[i] == 1.0);
            }
        }
        // the +8 shift on one sensor is flagged row by row (point-wise profile: no refractory period)
        assertThat(a.metrics().tp()).as("%s; %s", a.metrics(), wgan.outcome()).isGreaterThan(a.metrics().fn());
    }

    @Test
    void secondTrackAlsoRuns() throws IOException {
        SkabData data = smallCorpus();
        SkabEvaluator.Result r = new SkabEvaluator(0.99)
                .evaluate(new ZScoreDetectorFactory(), data, SkabTrack.WITH_ANOMALY_FREE);
        assertThat(r.files()).hasSize(3);
        assertThat(r.files().get(0).testScores()).hasSize(200);
    }
}
