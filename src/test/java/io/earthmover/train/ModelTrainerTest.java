package io.earthmover.train;

import io.earthmover.config.ConfigKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.features.FeatureSchema;
import io.earthmover.metrics.MetricNames;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTrainerTest {
    /** Small, fast settings: the tests train in seconds. */
    static TrainingSettings fast(int iterations) {
        return TrainingSettings.defaults()
                .with(ConfigKeys.TRAIN_ITERATIONS, iterations).with(ConfigKeys.TRAIN_BATCH, 64).with(ConfigKeys.TRAIN_LR, 3e-4)
                .with(ConfigKeys.TRAIN_LATENT, 4).with(ConfigKeys.TRAIN_GEN_HIDDEN, new int[] {32, 32})
                .with(ConfigKeys.TRAIN_CRITIC_HIDDEN, new int[] {32, 32}).with(ConfigKeys.TRAIN_PATIENCE, 0);
    }

    @Test
    void learnsTwoDimensionalMixtureAndRanksOutliersBelowNormals() throws Exception {
        Random r = new Random(1);
        double[][] rows = TrainingData.mixture2d(3000, r);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TrainingOutcome out = new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(2),
                fast(600), Map.of("file", "mixture"), new TrainingMeters(registry));
        ModelBundle b = out.bundle();
        double auc = TrainingData.auc(out.report().holdoutCritic(), critic(b, TrainingData.mixture2dOutliers(500, r)));
        assertThat(auc).isGreaterThanOrEqualTo(0.95);
        assertWassersteinFalls(out.report());
        assertThat(registry.get(MetricNames.TRAIN_ITERATION).gauge().value()).isEqualTo(600);
        assertThat(registry.get(MetricNames.TRAIN_DURATION).timer().count()).isEqualTo(1);
    }

    @Test
    void learnsCorrelatedGaussianAndRanksDecorrelatedPointsBelowNormals() throws Exception {
        Random r = new Random(2);
        double[][] rows = TrainingData.correlated8d(4000, r);
        TrainingOutcome out = new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(8),
                fast(300), Map.of(), null);
        double auc = TrainingData.auc(out.report().holdoutCritic(),
                critic(out.bundle(), TrainingData.correlated8dOutliers(500, r)));
        assertThat(auc).isGreaterThanOrEqualTo(0.95);
        assertWassersteinFalls(out.report());
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndDifferentSeedDoesNot() throws Exception {
        double[][] rows = TrainingData.mixture2d(600, new Random(3));
        TrainingSettings s = fast(15);
        float[] a = weights(train(rows, s));
        float[] b = weights(train(rows, s));
        float[] c = weights(train(rows, s.with(ConfigKeys.TRAIN_SEED, 7L)));
        assertThat(b).containsExactly(a);
        assertThat(java.util.Arrays.equals(a, c)).isFalse();
    }

    @Test
    void roundTripOfTrainedBundleGivesIdenticalScores(@TempDir Path dir) throws Exception {
        Random r = new Random(4);
        List<double[][]> series = new ArrayList<>();
        for (int k = 0; k < 3; k++) { // three keys, window 3 with differences
            series.add(TrainingData.mixture2d(200, r));
        }
        TrainingSettings s = fast(10).with(ConfigKeys.FEATURES_WINDOW, 3).with(ConfigKeys.FEATURES_DIFFERENCES, true)
                .with(ConfigKeys.FEATURES_NORMALISER, "robust");
        ModelBundle b = new ModelTrainer().fit(series, FeatureSchema.named(List.of("x", "y")), s,
                Map.of("topic", "events-train", "partitions", List.of(0, 1)), null).bundle();
        assertThat(b.featuriser().inputSize()).isEqualTo(12);
        assertThat(b.featuriser().historyLength()).isEqualTo(4);
        assertThat(b.manifest().trainingData()).containsEntry("topic", "events-train");
        assertThat(b.manifest().training()).containsEntry("features.window", 3);
        Path f = dir.resolve("model.zip");
        b.write(f);
        ModelBundle c = ModelBundle.read(f);
        FastScorer s1 = b.newScorer(3);
        FastScorer s2 = c.newScorer(3);
        ScoreResult r1 = new ScoreResult(3);
        ScoreResult r2 = new ScoreResult(3);
        float[] x = new float[12];
        for (int i = 0; i + 4 <= 200; i++) {
            b.featuriser().featurise(java.util.Arrays.copyOfRange(series.get(0), i, i + 4), x);
            s1.score(x, r1);
            s2.score(x, r2);
            assertThat(r2.critic).isEqualTo(r1.critic);
            assertThat(r2.score).isEqualTo(r1.score);
            assertThat(r2.anomaly).isEqualTo(r1.anomaly);
            assertThat(r2.topInput).containsExactly(r1.topInput);
        }
        assertThat(c.version()).isEqualTo(b.version()).matches("\\d{8}-\\d{6}-[0-9a-f]{8}");
    }

    @Test
    void thresholdFlagsAboutTheConfiguredShareOfHoldout() throws Exception {
        TrainingOutcome out = new ModelTrainer().fit(TrainingData.oneSeries(TrainingData.mixture2d(2500, new Random(8))),
                FeatureSchema.positional(2), fast(10), Map.of(), null);
        ModelBundle b = out.bundle();
        assertThat(b.holdoutFalseAlarmRate()).isBetween(0.001, 0.02);
        assertThat(b.threshold()).isBetween(0.99, 1.0);
        assertThat(b.calibration().score(b.criticThreshold())).isEqualTo(b.threshold());
        assertThat(b.holdoutCriticMean()).isCloseTo(java.util.Arrays.stream(out.report().holdoutCritic()).average().orElseThrow(),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void writesReportPlotsAndSummary(@TempDir Path dir) throws Exception {
        TrainingOutcome out = new ModelTrainer().fit(TrainingData.oneSeries(TrainingData.mixture2d(400, new Random(5))),
                FeatureSchema.positional(2), fast(12), Map.of(), null);
        assertThat(out.report().history()).hasSize(12);
        out.report().writeTo(dir);
        for (String png : List.of(TrainingReport.WASSERSTEIN_PNG, TrainingReport.LOSSES_PNG, TrainingReport.HISTOGRAM_PNG)) {
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve(png)), 4);
            assertThat(head).as(png).containsExactly(0x89, 'P', 'N', 'G');
        }
        assertThat(Files.readString(dir.resolve(TrainingReport.SUMMARY_JSON))).contains("\"wasserstein\"");
        assertThat(Files.readString(dir.resolve(TrainingReport.SUMMARY_MD))).contains(out.bundle().version());
    }

    @Test
    void listenerSeesEveryIterationAndConsoleLineHasTheFigures() throws Exception {
        List<IterationStats> seen = new ArrayList<>();
        new ModelTrainer().fit(TrainingData.oneSeries(TrainingData.mixture2d(300, new Random(6))), FeatureSchema.positional(2),
                fast(7), Map.of(), seen::add);
        assertThat(seen).extracting(IterationStats::iteration).containsExactly(1, 2, 3, 4, 5, 6, 7);
        String line = ConsoleProgress.line(seen.get(6));
        assertThat(line).contains("iter 7/7", "W ", "GP ", "samples/s", "ETA");
    }

    @Test
    void refusesEmptyTooSmallAndNonFiniteData() {
        ModelTrainer t = new ModelTrainer();
        FeatureSchema two = FeatureSchema.positional(2);
        assertThatThrownBy(() -> t.fit(List.<double[][]>of(new double[0][]), two, fast(5), Map.of(), null))
                .isInstanceOf(TrainingException.class).hasMessageContaining("no training data");
        assertThatThrownBy(() -> t.fit(TrainingData.oneSeries(TrainingData.mixture2d(20, new Random(1))), two, fast(5), Map.of(), null))
                .isInstanceOf(TrainingException.class).hasMessageContaining("need at least");
        double[][] nan = TrainingData.mixture2d(500, new Random(1));
        nan[7][1] = Double.NaN;
        assertThatThrownBy(() -> t.fit(TrainingData.oneSeries(nan), two, fast(5), Map.of(), null))
                .isInstanceOf(TrainingException.class).hasMessageContaining("NaN");
        // a series shorter than the window contributes nothing
        TrainingSettings windowed = fast(5).with(ConfigKeys.FEATURES_WINDOW, 50);
        List<double[][]> shortSeries = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            shortSeries.add(TrainingData.mixture2d(49, new Random(k)));
        }
        assertThatThrownBy(() -> t.fit(shortSeries, two, windowed, Map.of(), null))
                .isInstanceOf(TrainingException.class).hasMessageContaining("only 0 critic inputs");
    }

    @Test
    void aLayerNormCriticTrainsAndTheScorerComputesTheSameCritic() throws Exception {
        double[][] rows = TrainingData.mixture2d(500, new Random(2));
        ModelBundle b = train(rows, fast(20).with(ConfigKeys.TRAIN_LAYER_NORM, true));
        assertThat(b.manifest().architecture().layerNorm()).isTrue();
        assertThat(b.criticGains().length).isEqualTo(b.manifest().architecture().critic().length - 2);
        // trained: the gains left their initial 1
        float[] ones = new float[b.criticGains()[0].length];
        java.util.Arrays.fill(ones, 1f);
        assertThat(b.criticGains()[0]).isNotEqualTo(ones);
        Mlp nd = MlpInit.critic(b, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        float[] x = {0.5f, -1f};
        var in = org.nd4j.linalg.factory.Nd4j.create(x, new long[] {1, 2}, 'c');
        assertThat(b.newScorer(0).critic(x)).isCloseTo(nd.output(in).getDouble(0, 0), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void abortsOnDivergenceWithoutProducingABundle() {
        int[] calls = {0};
        List<IterationStats> seen = new ArrayList<>();
        ModelTrainer t = new ModelTrainer(w -> ++calls[0] == 4 ? Double.NaN : w);
        assertThatThrownBy(() -> t.fit(TrainingData.oneSeries(TrainingData.mixture2d(500, new Random(1))),
                FeatureSchema.positional(2), fast(50), Map.of(), seen::add))
                .isInstanceOf(TrainingException.class).hasMessageContaining("diverged at iteration 4")
                .hasMessageContaining("no model was saved");
        assertThat(seen).hasSize(3);
    }

    @Test
    void refusesValuesThatOverflowAfterNormalisation() {
        double[][] rows = TrainingData.mixture2d(500, new Random(1));
        rows[3][0] = 1e300;
        assertThatThrownBy(() -> new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(2), fast(5),
                Map.of(), null)).isInstanceOf(TrainingException.class).hasMessageContaining("overflows float32");
    }

    private static ModelBundle train(double[][] rows, TrainingSettings s) throws TrainingException {
        return new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(2), s, Map.of(), null).bundle();
    }

    private static float[] weights(ModelBundle b) {
        return MlpInit.critic(b, org.nd4j.linalg.api.buffer.DataType.FLOAT).flatParams().toFloatVector();
    }

    private static void assertWassersteinFalls(TrainingReport report) {
        List<IterationStats> h = report.history();
        double peak = h.stream().mapToDouble(IterationStats::smoothedWasserstein).max().orElseThrow();
        double end = h.get(h.size() - 1).smoothedWasserstein();
        assertThat(end).as("smoothed W estimate at the end vs its peak").isLessThan(0.8 * peak);
    }

    static double[] critic(ModelBundle b, double[][] raw) {
        FastScorer s = b.newScorer(0);
        float[] x = new float[b.featuriser().inputSize()];
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            b.featuriser().featurise(new double[][] {raw[i]}, x);
            out[i] = s.critic(x);
        }
        return out;
    }
}
