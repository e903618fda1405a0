package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.ConfigException;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ModelManifest;
import io.earthmover.record.FileRecords;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code features.time.of.day} through the product's trainer ({@link TrainJob} from a file, as
 * {@code earthmover train --input}) and the scorer's own processing ({@link OfflineScorer}). The data:
 * a load of 10 by day (08:00-20:00 UTC) and 0 by night, with noise, every 15 minutes for four days.
 * A load of 10 at 02:00 is normal as a value and abnormal for its hour.
 */
class TimeOfDayTrainingTest {
    private static final long DAY0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final long STEP = 15 * 60_000L;
    private static final Map<String, String> FAST = Map.of("train.iterations", "300", "train.critic.hidden", "32,32",
            "train.generator.hidden", "32,32", "train.latent.size", "4", "train.learning.rate", "1e-3",
            "train.gate.min.auc", "0", "train.gate.max.far", "1", "train.seed", "3");

    @TempDir
    Path tmp;

    private static String record(int i, long ts, double load) {
        return String.format("{\"id\":\"r%d\",\"ts\":%d,\"features\":{\"load\":%.4f}}", i, ts, load);
    }

    private static double load(long ts, Random r) {
        long hour = (ts - DAY0) / 3_600_000L % 24;
        return (hour >= 8 && hour < 20 ? 10 : 0) + 0.3 * r.nextGaussian();
    }

    private ModelBundle train(Map<String, String> extra, long from, int rows) throws Exception {
        return train(extra, from, rows, STEP);
    }

    private ModelBundle train(Map<String, String> extra, long from, int rows, long step) throws Exception {
        return train(extra, from, rows, step, null);
    }

    private ModelBundle train(Map<String, String> extra, long from, int rows, long step, Path current) throws Exception {
        Random r = new Random(1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            long ts = from + step * i;
            lines.add(record(i, ts, load(ts, r)));
        }
        Path input = Files.write(tmp.resolve("train-" + lines.size() + "-" + step + "-" + extra.hashCode() + ".jsonl"), lines);
        Map<String, String> c = new HashMap<>(FAST);
        c.putAll(extra);
        TrainJob.Result res = new TrainJob(EarthmoverConfig.of(c), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null)
                .run(new TrainJob.Request(null, null, input, FileRecords.Options.defaults(), tmp.resolve("models"), false,
                        false, current, Duration.ofSeconds(5), null));
        assertThat(res.status()).as(res.message()).isEqualTo(TrainJob.Status.WRITTEN);
        return res.bundle();
    }

    /** The served critic value of a load of 10 at {@code hour}:00 on day 5, after a day of normal history. */
    private static double criticAt(ModelBundle model, int hour) {
        OfflineScorer scorer = new OfflineScorer(ScorerSettings.from(EarthmoverConfig.defaults()), model, Clock.systemUTC());
        Random r = new Random(9);
        long start = DAY0 + 4 * 86_400_000L;
        long end = start + hour * 3_600_000L;
        ScoreRecord last = null;
        int i = 0;
        for (long ts = start; ts <= end; ts += STEP, i++) {
            double v = ts == end ? 10 : load(ts, r);
            OfflineScorer.Outcome o = scorer.process("k", record(i, ts, v).getBytes(StandardCharsets.UTF_8), ts);
            assertThat(o.scored()).as(o.message()).isTrue();
            last = ScoreRecord.parse(o.json());
        }
        return last.critic();
    }

    @Test
    void aValueNormalByDayRatesLessNormalAtNightOnlyWithTheTimeOfDay() throws Exception {
        ModelBundle with = train(Map.of("features.time.of.day", "true"), DAY0, 4 * 96);
        ModelBundle without = train(Map.of(), DAY0, 4 * 96);
        double gapWith = criticAt(with, 14) - criticAt(with, 2);
        double gapWithout = criticAt(without, 14) - criticAt(without, 2);
        assertThat(gapWith).as("critic(10 at 14:00) - critic(10 at 02:00), with the time of day").isGreaterThan(0);
        assertThat(gapWith).as("the same gap without it: %s", gapWithout).isGreaterThan(Math.abs(gapWithout));
    }

    @Test
    void theBundleNamesTheDerivedFeaturesAndKeepsTheRulesOnTheRecordsOwn() throws Exception {
        // 25 hours, every 10 minutes
        ModelBundle m = train(Map.of("features.time.of.day", "true"), DAY0, 150, 10 * 60_000L);
        assertThat(m.manifest().formatVersion()).isEqualTo(ModelBundle.FORMAT_VERSION);
        assertThat(m.manifest().featureNames()).containsExactly("load", FeatureSchema.TIME_SIN, FeatureSchema.TIME_COS);
        ModelBundle loaded = ModelBundle.fromBytes(m.toBytes());
        assertThat(loaded.schema().timeOfDay()).isTrue();
        assertThat(loaded.schema().recordSize()).isEqualTo(1);
        assertThat(loaded.manifest().normaliser().centre()[1]).isZero();
        assertThat(loaded.manifest().normaliser().scale()).endsWith(1.0, 1.0);
        assertThat(loaded.alarmSeed().featureMin()).hasSize(1);
        assertThat(loaded.alarmSeed().longestRun()).hasSize(1);
        // a record at an hour training never saw is scored, not refused as out of the model's range
        assertThat(criticAt(loaded, 16)).isFinite();
    }

    @Test
    void trainingRecordsSpanningLessThanADayTrainWithoutTheTimeOfDay() throws Exception {
        // six hours: a model that saw only these hours would rate every other one as anomalous
        ModelBundle m = train(Map.of("features.time.of.day", "true"), DAY0, 180, 2 * 60_000L);
        assertThat(m.schema().timeOfDay()).isFalse();
        assertThat(m.manifest().featureNames()).containsExactly("load");
        assertThat(m.manifest().trainingData()).containsEntry("timeOfDay", "off: the training records span less than a day");
        assertThat(criticAt(m, 16)).isFinite();
    }

    @Test
    void aRetrainKeepsTheCurrentModelsFeaturesSoTheScorerCanSwapItIn() throws Exception {
        ModelBundle first = train(Map.of("features.time.of.day", "true"), DAY0, 180, 2 * 60_000L); // six hours: without
        Path current = tmp.resolve("current.zip");
        first.write(current);
        ModelBundle retrained = train(Map.of("features.time.of.day", "true"), DAY0, 2 * 96, STEP, current);
        assertThat(retrained.schema()).isEqualTo(first.schema());
        ModelBundle withTime = train(Map.of("features.time.of.day", "true"), DAY0, 2 * 96);
        withTime.write(current);
        // and the other way: a current model with the time of day keeps it, even on six hours of records
        assertThat(train(Map.of("features.time.of.day", "true"), DAY0, 180, 2 * 60_000L, current).schema().timeOfDay()).isTrue();
    }

    @Test
    void theSameBundleWrittenInAFormatBeforeEightIsRefused() throws Exception {
        ModelBundle m = train(Map.of("features.time.of.day", "true"), DAY0, 2 * 96);
        ModelManifest x = m.manifest();
        ModelManifest seven = new ModelManifest(7, x.version(), x.createdAt(), x.featureNames(), x.named(), x.window(),
                x.differences(), x.normaliser(), x.architecture(), x.calibration(), x.threshold(), x.criticThreshold(),
                x.thresholdQuantile(), x.training(), x.trainingData(), x.metrics(), x.alarm(), x.keyStandardise(),
                x.reconstruction(), x.fallback(), x.conditional(), null);
        assertThatThrownBy(() -> ModelBundle.create(seven, m.criticWeights(), m.criticBiases(), m.criticGains(), m.criticShifts()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("time-of-day features need bundle format 8");
        // the control: the same manifest in format 8 loads
        ModelManifest eight = new ModelManifest(8, x.version(), x.createdAt(), x.featureNames(), x.named(), x.window(),
                x.differences(), x.normaliser(), x.architecture(), x.calibration(), x.threshold(), x.criticThreshold(),
                x.thresholdQuantile(), x.training(), x.trainingData(), x.metrics(), x.alarm(), x.keyStandardise(),
                x.reconstruction(), x.fallback(), x.conditional(), null);
        assertThat(ModelBundle.create(eight, m.criticWeights(), m.criticBiases(), m.criticGains(), m.criticShifts())
                .schema().timeOfDay()).isTrue();
    }

    @Test
    void theGatesSyntheticAnomaliesNeverMoveTheDerivedFeatures() throws Exception {
        ModelBundle m = train(Map.of("features.time.of.day", "true"), DAY0, 2 * 96);
        assertThat(m.schema().timeOfDay()).isTrue();
        double[][] window = {{5, 0.5, 0.25}};
        List<double[][]> one = new ArrayList<>();
        one.add(window);
        List<double[][]> moved = QualityGate.shifted(m, one, 5, 1);
        assertThat(moved.get(0)[0][0]).isNotEqualTo(5);
        assertThat(moved.get(0)[0][1]).isEqualTo(0.5);
        assertThat(moved.get(0)[0][2]).isEqualTo(0.25);
        List<double[][]> three = new ArrayList<>(List.of(window, window, window));
        List<double[][]> synthetic = QualityGate.synthesise(m, three, 2);
        for (double[][] w : synthetic) {
            assertThat(w[0]).startsWith(w[0][0], 0.5, 0.25);
        }
    }

    @Test
    void theConditionalModelIsRefusedWithTheTimeOfDayNamingTheKey() {
        Map<String, String> c = new HashMap<>(FAST);
        c.put("features.time.of.day", "true");
        c.put("train.conditional", "true");
        c.put("features.window", "4");
        assertThatThrownBy(() -> new TrainJob(EarthmoverConfig.of(c), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null)
                .run(new TrainJob.Request(null, null, tmp.resolve("absent.jsonl"), FileRecords.Options.defaults(),
                        tmp.resolve("models"), false, false, null, Duration.ofSeconds(5), null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.time.of.day")
                .hasMessageContaining("train.conditional");
    }
}
