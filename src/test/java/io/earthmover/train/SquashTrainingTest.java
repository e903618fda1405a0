package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code features.squash=auto} end to end: a heavy-tailed series (an idle level with small noise and
 * rare bursts thousands of IQRs high, as NAB's EC2 CPU series) trained by the product's trainer,
 * then scored by the service's own processing ({@link OfflineScorer}), whose {@code expected} values
 * must come back in the record's own units through the squash's inverse.
 */
class SquashTrainingTest {
    private static final double LEVEL = 0.1;
    private static final double NOISE = 0.002;
    private static ModelBundle model;

    @BeforeAll
    static void train() throws Exception {
        TrainingSettings s = ModelTrainerTest.fast(200).with(ConfigKeys.FEATURES_WINDOW, 4)
                .with(ConfigKeys.FEATURES_DIFFERENCES, true).with(ConfigKeys.FEATURES_NORMALISER, "robust")
                .with(ConfigKeys.FEATURES_SQUASH, "auto").with(ConfigKeys.TRAIN_ENCODER, true)
                .with(ConfigKeys.TRAIN_LR, 1e-3);
        model = new ModelTrainer().fit(TrainingData.oneSeries(series(2000, new Random(4))), FeatureSchema.positional(1), s,
                Map.of(), null).bundle();
    }

    /** Idle level with small noise; one record in 100 a burst to 50-99 (up to ~25,000 IQRs away). */
    static double[][] series(int n, Random r) {
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            double v = r.nextInt(100) == 0 ? 50 + 49 * r.nextDouble() : LEVEL + NOISE * r.nextGaussian();
            rows[i] = new double[] {v};
        }
        return rows;
    }

    @Test
    void theBundleCarriesTheSquashAndLoadsWithIt() throws Exception {
        assertThat(model.manifest().formatVersion()).isEqualTo(ModelBundle.FORMAT_VERSION);
        assertThat(model.manifest().normaliser().squash()).isEqualTo("auto");
        assertThat(model.manifest().training()).containsEntry("features.squash", "auto");
        assertThat(model.manifest().normaliser().squashed()).containsExactly(true);
        assertThat(ModelBundle.fromBytes(model.toBytes()).featuriser().squashed(0)).isTrue();
    }

    @Test
    void servedExpectedValuesAreInTheRecordsUnitsNearTheIdleLevel() {
        OfflineScorer scorer = new OfflineScorer(ScorerSettings.from(EarthmoverConfig.defaults()), model, Clock.systemUTC());
        Random r = new Random(11);
        double[] errors = new double[300];
        int scored = 0;
        for (int i = 0; i < 310; i++) {
            double v = LEVEL + NOISE * r.nextGaussian();
            byte[] json = ("{\"id\":\"r" + i + "\",\"ts\":" + (1_700_000_000_000L + 1000L * i) + ",\"features\":[" + v + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            OfflineScorer.Outcome o = scorer.process("cpu", json, 1_700_000_000_000L + 1000L * i);
            assertThat(o.scored()).as("record %d: %s", i, o.message()).isTrue();
            ScoreRecord rec = ScoreRecord.parse(o.json());
            if (!rec.warmingUp() && scored < errors.length) {
                assertThat(rec.expected()).containsKey("f0");
                errors[scored++] = Math.abs(rec.expected().get("f0") - LEVEL);
            }
        }
        Arrays.sort(errors, 0, scored);
        // without the inverse squash the expected value would be off by the normaliser's scale
        // times (asinh^-1 - identity) and far from 0.1 for any reconstruction away from the centre;
        // in the record's units it sits within a few noise widths of the idle level
        assertThat(scored).isGreaterThan(250);
        assertThat(errors[scored / 2]).isLessThan(5 * NOISE);
    }
}
