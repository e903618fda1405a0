package io.earthmover.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.earthmover.train.ModelTrainer;
import io.earthmover.train.TrainingSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code expected} object of {@code anomaly-scores}: present for a model with an encoder, in the
 * record's own units, equal to the bundle's reconstruction after a round trip through a file, and
 * absent without an encoder.
 */
class ExpectedValuesTest {
    private static final List<String> NAMES = List.of("cpu", "mem");
    private static ModelBundle encoded;
    private static ModelBundle plain;
    /** Trained on rows as the key standardiser emits them (mean 0, std 1), served with per-key standardisation. */
    private static ModelBundle perKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws Exception {
        Random r = new Random(3);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            double t = r.nextGaussian();
            rows.add(new double[] {50 + 10 * t + 0.5 * r.nextGaussian(), 20 - 4 * t + 0.5 * r.nextGaussian()});
        }
        TrainingSettings s = TrainingSettings.defaults().with(ConfigKeys.TRAIN_ITERATIONS, 300)
                .with(ConfigKeys.TRAIN_BATCH, 64).with(ConfigKeys.TRAIN_LR, 3e-4).with(ConfigKeys.TRAIN_LATENT, 2)
                .with(ConfigKeys.TRAIN_GEN_HIDDEN, new int[] {32, 32}).with(ConfigKeys.TRAIN_CRITIC_HIDDEN, new int[] {32, 32})
                .with(ConfigKeys.TRAIN_PATIENCE, 0);
        List<double[][]> series = List.<double[][]>of(rows.toArray(new double[0][]));
        FeatureSchema schema = FeatureSchema.named(NAMES);
        encoded = new ModelTrainer().fit(series, schema, s.with(ConfigKeys.TRAIN_ENCODER, true), Map.of(), null).bundle();
        plain = new ModelTrainer().fit(series, schema, s, Map.of(), null).bundle();
        double[][] z = new double[1500][];
        for (int i = 0; i < z.length; i++) {
            double t = r.nextGaussian();
            z[i] = new double[] {0.99 * t + 0.1 * r.nextGaussian(), -0.99 * t + 0.1 * r.nextGaussian()};
        }
        perKey = new ModelTrainer().fit(List.<double[][]>of(z), schema, s.with(ConfigKeys.TRAIN_ENCODER, true), Map.of(), null)
                .bundle().withKeyStandardise(true);
    }

    @Test
    void everyScoredRecordOfAModelWithAnEncoderCarriesTheReconstructionInRawUnits() throws Exception {
        Path f = dir.resolve("m.zip");
        encoded.write(f);
        ModelBundle loaded = ModelBundle.read(f);
        OfflineScorer scorer = new OfflineScorer(ScorerSettings.from(EarthmoverConfig.defaults()), loaded, Clock.systemUTC());
        FastScorer reference = encoded.newScorer(0);
        double[][] records = {{50, 20}, {60, 16}, {50, 40}};
        for (int i = 0; i < records.length; i++) {
            ScoreRecord out = ScoreRecord.parse(scorer.process("k", json(records[i]), 1000L * i).json());
            assertThat(out.expected()).containsOnlyKeys("cpu", "mem");
            float[] in = new float[encoded.featuriser().inputSize()];
            encoded.featuriser().featurise(new double[][] {records[i]}, in);
            ScoreResult ref = new ScoreResult(0);
            reference.score(in, ref);
            for (int j = 0; j < NAMES.size(); j++) {
                double want = encoded.featuriser().normaliser().invert(j, ref.reconstruction[encoded.featuriser().newestInput(j)]);
                assertThat(out.expected().get(NAMES.get(j))).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-9 * (1 + Math.abs(want))));
            }
            assertThat(out.critic()).isEqualTo(ref.critic);
        }
        // on the data's line, mem = 20 - 0.4 (cpu - 50): a record off it is expected back on it
        ScoreRecord off = ScoreRecord.parse(scorer.process("k", json(new double[] {50, 40}), 9000).json());
        assertThat(off.expected().get("mem")).isBetween(14.0, 26.0);
        assertThat(off.score()).isGreaterThanOrEqualTo(off.threshold());
    }

    @Test
    void withPerKeyStandardisationExpectedValuesAreInTheKeysOwnUnits() throws Exception {
        OfflineScorer scorer = new OfflineScorer(ScorerSettings.from(EarthmoverConfig.defaults()), perKey, Clock.systemUTC());
        Random r = new Random(9);
        ScoreRecord last = null;
        for (int i = 0; i < 200; i++) {
            // a key at its own level and scale: cpu around 5000, mem around 2000, moving together as in training
            double t = r.nextGaussian();
            double[] x = {5000 + 1000 * t, 2000 - 400 * t};
            last = ScoreRecord.parse(scorer.process("big", json(x), 1000L * i).json());
        }
        assertThat(last.scored()).isTrue();
        // within a few of the key's own standard deviations of its level (the model's units would be near 0)
        assertThat(last.expected().get("cpu")).isBetween(2000.0, 8000.0);
        assertThat(last.expected().get("mem")).isBetween(800.0, 3200.0);
    }

    @Test
    void aModelWithoutAnEncoderWritesNoExpectedField() throws Exception {
        assertThat(plain.hasEncoder()).isFalse();
        OfflineScorer scorer = new OfflineScorer(ScorerSettings.from(EarthmoverConfig.defaults()), plain, Clock.systemUTC());
        byte[] out = scorer.process("k", json(new double[] {50, 20}), 0).json();
        assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("expected");
        assertThat(ScoreRecord.parse(out).expected()).isEmpty();
    }

    private static byte[] json(double[] x) {
        return ("{\"features\":{\"cpu\":" + x[0] + ",\"mem\":" + x[1] + "}}").getBytes(StandardCharsets.UTF_8);
    }
}
