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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code features.level=auto} end to end: a sensor pair where one reading drifts slowly (a
 * temperature) and one is noise around a level (a vibration), trained by the product's trainer and
 * scored by the service's own processing ({@link OfflineScorer}).
 */
class LevelFreeTrainingTest {
    private static ModelBundle model;

    @BeforeAll
    static void train() throws Exception {
        TrainingSettings s = ModelTrainerTest.fast(60).with(ConfigKeys.FEATURES_WINDOW, 2)
                .with(ConfigKeys.FEATURES_DIFFERENCES, true).with(ConfigKeys.FEATURES_LEVEL, "auto");
        // as TrainJob hands them over: windows of history length (3: window 2 + 1 for differences), shuffled
        double[][] rows = sensors(1500, 0, new Random(5));
        List<double[][]> windows = new ArrayList<>();
        for (int t = 0; t + 3 <= rows.length; t++) {
            windows.add(Arrays.copyOfRange(rows, t, t + 3));
        }
        Collections.shuffle(windows, new Random(6));
        model = new ModelTrainer().fit(windows, FeatureSchema.positional(2), s, Map.of(), null).bundle();
    }

    /** Feature 0 drifts (AR(1), coefficient 0.995, from {@code start}), feature 1 is noise around 10. */
    static double[][] sensors(int n, double start, Random r) {
        double[][] rows = new double[n][];
        double drift = start;
        for (int i = 0; i < n; i++) {
            drift = 0.995 * drift + 0.1 * r.nextGaussian();
            rows[i] = new double[] {drift, 10 + r.nextGaussian()};
        }
        return rows;
    }

    @Test
    void theRuleMarksTheDriftingReadingAndTheBundleCarriesIt() throws Exception {
        assertThat(model.manifest().formatVersion()).isEqualTo(ModelBundle.FORMAT_VERSION);
        assertThat(model.manifest().training()).containsEntry("features.level", "auto");
        assertThat(model.manifest().normaliser().levelFree()).containsExactly(true, false);
        assertThat(ModelBundle.fromBytes(model.toBytes()).featuriser().levelFree()).containsExactly(true, false);
    }

    @Test
    void theServedCriticIsTheSameWhereverTheDriftingReadingHasWandered() {
        // the same changes, once at the training level and once 50 units (hundreds of its training
        // standard deviations) away: with the level left out the critic rates them alike
        OfflineScorer scorer = new OfflineScorer(ScorerSettings.from(EarthmoverConfig.defaults()), model, Clock.systemUTC());
        double[][] rows = sensors(200, 0, new Random(9));
        int compared = 0;
        for (int i = 0; i < rows.length; i++) {
            ScoreRecord home = score(scorer, "home", i, rows[i][0], rows[i][1]);
            ScoreRecord away = score(scorer, "away", i, rows[i][0] + 50, rows[i][1]);
            if (!home.warmingUp()) {
                assertThat(away.critic()).as("record %d", i).isEqualTo(home.critic());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(150);
    }

    private static ScoreRecord score(OfflineScorer scorer, String key, int i, double a, double b) {
        long ts = 1_700_000_000_000L + 1000L * i;
        byte[] json = ("{\"id\":\"" + key + i + "\",\"ts\":" + ts + ",\"features\":[" + a + "," + b + "]}")
                .getBytes(StandardCharsets.UTF_8);
        OfflineScorer.Outcome o = scorer.process(key, json, ts);
        assertThat(o.scored()).as("%s %d: %s", key, i, o.message()).isTrue();
        return ScoreRecord.parse(o.json());
    }
}
