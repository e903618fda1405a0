package io.earthmover.train;

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
        return TrainingSettings.defaults().withIterations(iterations).withBatchSize(64).withLearningRate(1e-3)
                .withNetworks(4, new int[] {32, 32}, new int[] {32, 32}).withEarlyStopPatience(0);
    }

    @Test
    void learnsTwoDimensionalMixtureAndRanksOutliersBelowNormals() throws Exception {
        Random r = new Random(1);
        double[][] rows = TrainingData.mixture2d(3000, r);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TrainingOutcome out = new ModelTrainer().fit(TrainingData.oneSeries(rows), FeatureSchema.positional(2),
                fast(600), Map.of("file", "mixture"), null, registry);
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
                fast(300), Map.of(), null, null);
        double auc = TrainingData.auc(out.report().holdoutCritic(),
                critic(out.bundle(), TrainingData.correlated8dOutliers(500, r)));
        assertThat(auc).isGreaterThanOrEqualTo(0.95);
        assertWassersteinFalls(out.report());
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
