package io.earthmover.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsThroughFileWithIdenticalManifestAndScores() throws Exception {
        ModelBundle b = TestBundles.small();
        Path f = dir.resolve("m.zip");
        b.write(f);
        ModelBundle c = ModelBundle.read(f);
        assertThat(c.version()).isEqualTo("20250101-000000-0000abcd");
        assertThat(c.sha256()).isEqualTo(b.sha256()).hasSize(64);
        assertThat(c.manifestJson()).isEqualTo(b.manifestJson());
        assertThat(c.featuriser().inputName(0)).isEqualTo("cpu@t-1");
        float[] x = new float[12];
        Arrays.fill(x, 0.3f);
        ScoreResult r1 = new ScoreResult(3);
        ScoreResult r2 = new ScoreResult(3);
        b.newScorer(3).score(x, r1);
        c.newScorer(3).score(x, r2);
        assertThat(r2.critic).isEqualTo(r1.critic);
        assertThat(r2.score).isEqualTo(r1.score);
        assertThat(r2.topInput).containsExactly(r1.topInput);
    }

    @Test
    void rejectsTruncatedBundle() throws Exception {
        byte[] z = TestBundles.small().toBytes();
        InvalidModelException e = refuse(Arrays.copyOf(z, z.length / 2));
        assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.FORMAT);
        assertThat(e.getMessage()).containsAnyOf("truncated", "corrupted");
    }

    @Test
    void rejectsBundleMissingOnlyItsLastBytes() throws Exception {
        byte[] z = TestBundles.small().toBytes();
        InvalidModelException e = refuse(Arrays.copyOf(z, z.length - 10));
        assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.FORMAT);
        assertThat(e.getMessage()).contains("truncated");
    }

    @Test
    void rejectsNonZipAndEmptyInput() {
        assertThat(refuse(new byte[0]).reason()).isEqualTo(InvalidModelException.Reason.FORMAT);
        assertThat(refuse("hello".getBytes(StandardCharsets.UTF_8)).reason()).isEqualTo(InvalidModelException.Reason.FORMAT);
    }

    @Test
    void rejectsCorruptedWeightsByChecksum() throws Exception {
        byte[] z = TestBundles.small().toBytes();
        byte[] w = entry(z, ModelBundle.WEIGHTS_ENTRY);
        w[17] ^= 0x40;
        InvalidModelException e = refuse(rezip(entry(z, ModelBundle.MANIFEST_ENTRY), w));
        assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.CHECKSUM);
        assertThat(e.getMessage()).contains("SHA-256 mismatch");
    }

    @Test
    void rejectsEditedManifestByChecksum() throws Exception {
        byte[] z = TestBundles.small().toBytes();
        String m = new String(entry(z, ModelBundle.MANIFEST_ENTRY), StandardCharsets.UTF_8)
                .replace("\"threshold\" : 0.99", "\"threshold\" : 0.5");
        assertThat(refuse(rezip(m.getBytes(StandardCharsets.UTF_8), entry(z, ModelBundle.WEIGHTS_ENTRY))).reason())
                .isEqualTo(InvalidModelException.Reason.CHECKSUM);
    }

    @Test
    void rejectsShapeMismatchEvenWithValidChecksum() {
        int[] sizes = {12, 16, 8, 1};
        float[][][] wb = TestBundles.weights(sizes, 3);
        // 2 features x window 2 x differences = 8 inputs, but the critic reads 12
        ModelManifest m = TestBundles.manifest(List.of("cpu", "mem"), 2, true, sizes, TestBundles.holdout(100, 1));
        assertThatThrownBy(() -> ModelBundle.create(m, wb[0], wb[1]))
                .isInstanceOfSatisfying(InvalidModelException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.SHAPE);
                    assertThat(e.getMessage()).contains("does not match 2 features x window 2");
                });
        // weights of the wrong length for the declared architecture
        ModelManifest ok = TestBundles.manifest(List.of("cpu", "mem", "net"), 2, true, sizes, TestBundles.holdout(100, 1));
        float[][] shortW = {Arrays.copyOf(wb[0][0], 100), wb[0][1], wb[0][2]};
        assertThatThrownBy(() -> ModelBundle.create(ok, shortW, wb[1]))
                .isInstanceOfSatisfying(InvalidModelException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.SHAPE));
    }

    @Test
    void rejectsNonFiniteWeights() {
        int[] sizes = {12, 16, 8, 1};
        float[][][] wb = TestBundles.weights(sizes, 3);
        wb[0][1][5] = Float.NaN;
        ModelManifest m = TestBundles.manifest(List.of("cpu", "mem", "net"), 2, true, sizes, TestBundles.holdout(100, 1));
        assertThatThrownBy(() -> ModelBundle.create(m, wb[0], wb[1]))
                .isInstanceOfSatisfying(InvalidModelException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.NON_FINITE));
    }

    @Test
    void aFormatOneBundleStillLoadsAndItsKeysStartWithoutASeed() throws Exception {
        ModelBundle b = TestBundles.small();
        ModelManifest m1 = new ModelManifest(1, b.manifest().version(), b.manifest().createdAt(),
                b.manifest().featureNames(), b.manifest().named(), b.manifest().window(), b.manifest().differences(),
                b.manifest().normaliser(), b.manifest().architecture(), b.manifest().calibration(), b.threshold(),
                b.criticThreshold(), b.manifest().thresholdQuantile(), b.manifest().training(), b.manifest().trainingData(),
                b.manifest().metrics(), null, null, null);
        float[][][] wb = TestBundles.weights(b.manifest().architecture().critic(), 3);
        ModelBundle old = ModelBundle.fromBytes(ModelBundle.create(m1, wb[0], wb[1]).toBytes());
        assertThat(old.manifest().formatVersion()).isEqualTo(1);
        assertThat(old.alarmSeed().samples()).isZero();
        assertThat(old.alarmSeed().hasRange()).isFalse();
    }

    @Test
    void layerNormGainsAndShiftsRoundTripThroughABundle() throws Exception {
        int[] sizes = {6, 16, 8, 1};
        ModelBundle b = ModelBundle.fromBytes(TestBundles.layerNormed(sizes, 4).toBytes());
        float[][][] gs = TestBundles.norms(sizes, 5);
        assertThat(b.manifest().formatVersion()).isEqualTo(ModelBundle.FORMAT_VERSION);
        assertThat(b.manifest().architecture().layerNorm()).isTrue();
        assertThat(b.criticGains()).isDeepEqualTo(gs[0]);
        assertThat(b.criticShifts()).isDeepEqualTo(gs[1]);
        // the norms change the critic: the same weights without them score differently
        float[][][] wb = TestBundles.weights(sizes, 4);
        ModelBundle plain = ModelBundle.create(TestBundles.manifest(b.manifest().featureNames(), 1, false, sizes,
                TestBundles.holdout(300, 6)), wb[0], wb[1]);
        float[] x = {0.3f, -1.2f, 0.8f, 2.0f, -0.4f, 0.1f};
        assertThat(b.newScorer(0).critic(x)).isNotEqualTo(plain.newScorer(0).critic(x));
    }

    @Test
    void layerNormWithoutItsValuesOrInAnOlderFormatIsRefused() throws Exception {
        int[] sizes = {6, 16, 8, 1};
        ModelBundle b = TestBundles.layerNormed(sizes, 4);
        float[][][] wb = TestBundles.weights(sizes, 4);
        assertThatThrownBy(() -> ModelBundle.create(b.manifest(), wb[0], wb[1]))
                .isInstanceOfSatisfying(InvalidModelException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.SHAPE);
                    assertThat(e.getMessage()).contains("with layer norm");
                });
        ModelManifest m = b.manifest();
        ModelManifest m2 = new ModelManifest(2, m.version(), m.createdAt(), m.featureNames(), m.named(), m.window(),
                m.differences(), m.normaliser(), m.architecture(), m.calibration(), m.threshold(), m.criticThreshold(),
                m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), null, null, null);
        assertThatThrownBy(() -> ModelBundle.create(m2, wb[0], wb[1], b.criticGains(), b.criticShifts()))
                .isInstanceOfSatisfying(InvalidModelException.class,
                        e -> assertThat(e.getMessage()).contains("layer norm needs bundle format 3"));
    }

    @Test
    void aFormatTwoBundleWithoutLayerNormStillLoads() throws Exception {
        ModelBundle b = TestBundles.small();
        ModelManifest m = b.manifest();
        ModelManifest m2 = new ModelManifest(2, m.version(), m.createdAt(), m.featureNames(), m.named(), m.window(),
                m.differences(), m.normaliser(), m.architecture(), m.calibration(), m.threshold(), m.criticThreshold(),
                m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), m.alarm(), null, null);
        float[][][] wb = TestBundles.weights(m.architecture().critic(), 3);
        ModelBundle old = ModelBundle.fromBytes(ModelBundle.create(m2, wb[0], wb[1]).toBytes());
        assertThat(old.manifest().formatVersion()).isEqualTo(2);
        float[] x = new float[12];
        assertThat(old.newScorer(0).critic(x)).isEqualTo(b.newScorer(0).critic(x));
    }

    @Test
    void theAlarmSeedRoundTripsThroughABundle() throws Exception {
        var seed = new io.earthmover.alarm.AlarmSeed(0.1, 0.3, 500, 10, new double[] {-1, 0, 2}, new double[] {1, 5, 3});
        ModelBundle b = ModelBundle.fromBytes(TestBundles.small().withAlarmSeed(seed).toBytes());
        assertThat(b.manifest().formatVersion()).isEqualTo(ModelBundle.FORMAT_VERSION);
        assertThat(b.alarmSeed().surpriseStd()).isEqualTo(0.3);
        assertThat(b.alarmSeed().featureMax()).containsExactly(1, 5, 3);
    }

    @Test
    void theAlarmSeedKeepsItsSquashAndOneWrittenBeforeTheSquashReadsAsUnsquashed() throws Exception {
        var log = io.earthmover.alarm.AlarmSeed.fit(List.of(new double[] {0.5, -2, 9, 1}), 2,
                io.earthmover.alarm.AlarmPolicy.Squash.LOG, new double[] {0, 0, 0}, new double[] {1, 1, 1});
        ModelBundle b = ModelBundle.fromBytes(TestBundles.small().withAlarmSeed(log).toBytes());
        assertThat(b.alarmSeed().squash()).isEqualTo(io.earthmover.alarm.AlarmPolicy.Squash.LOG);
        assertThat(b.alarmSeed().surpriseMean()).isEqualTo(log.surpriseMean());
        assertThat(b.manifestJson()).as("written as the configuration names it").contains("\"squash\" : \"log\"");
        // an alarm block as formats 2 to 9 wrote it: no squash field
        String old = "{\"surpriseMean\":0.1,\"surpriseStd\":0.3,\"samples\":500,\"averaging\":10,"
                + "\"featureMin\":[0],\"featureMax\":[1],\"longestRun\":null}";
        assertThat(BundleCodec.JSON.readValue(old, io.earthmover.alarm.AlarmSeed.class).squash())
                .isEqualTo(io.earthmover.alarm.AlarmPolicy.Squash.NONE);
    }

    @Test
    void aSquashedAlarmSeedInAFormatBeforeTenIsRefused() throws Exception {
        var none = new io.earthmover.alarm.AlarmSeed(0.1, 0.3, 500, 10, new double[] {0, 0, 0}, new double[] {1, 1, 1});
        var log = io.earthmover.alarm.AlarmSeed.fit(List.of(new double[] {0.5, -2, 9, 1}), 2,
                io.earthmover.alarm.AlarmPolicy.Squash.LOG, new double[] {0, 0, 0}, new double[] {1, 1, 1});
        assertThat(inFormat(TestBundles.small().withAlarmSeed(none), 9).alarmSeed().samples()).isEqualTo(500);
        assertThatThrownBy(() -> inFormat(TestBundles.small().withAlarmSeed(log), 9))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("alarm seed squashed with log")
                .hasMessageContaining("format 10");
    }

    /** {@code b} as a bundle of {@code formatVersion} would hold it (same fields and weights). */
    private static ModelBundle inFormat(ModelBundle b, int formatVersion) throws InvalidModelException {
        ModelManifest m = b.manifest();
        return ModelBundle.create(new ModelManifest(formatVersion, m.version(), m.createdAt(), m.featureNames(), m.named(),
                m.window(), m.differences(), m.normaliser(), m.architecture(), m.calibration(), m.threshold(),
                m.criticThreshold(), m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), m.alarm(),
                m.keyStandardise(), null), b.criticWeights(), b.criticBiases());
    }

    @Test
    void aGateFallbackRoundTripsAndAnUnknownModeIsRefused() throws Exception {
        var f = new ModelManifest.Fallback(ModelManifest.Fallback.RULES, "AUC 0.5 below 0.8");
        ModelBundle b = ModelBundle.fromBytes(TestBundles.small().withFallback(f).toBytes());
        assertThat(b.fallback()).isEqualTo(f);
        assertThat(b.rulesOnly()).isTrue();
        assertThat(TestBundles.small().fallback()).isNull();
        assertThat(TestBundles.small().rulesOnly()).isFalse();
        assertThatThrownBy(() -> TestBundles.small().withFallback(new ModelManifest.Fallback("maybe", "x")))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("gate fallback mode 'maybe'");
    }

    @Test
    void squashMarksRoundTripAndTheFeaturiserAppliesThem() throws Exception {
        ModelBundle b = ModelBundle.fromBytes(TestBundles.withSquash("auto", new boolean[] {true, false, false},
                ModelBundle.FORMAT_VERSION).toBytes());
        assertThat(b.featuriser().squashed()).containsExactly(true, false, false);
        assertThat(b.manifest().normaliser().squash()).isEqualTo("auto");
        assertThat(TestBundles.small().featuriser().anySquashed()).isFalse();
        double[][] history = {{0, 1, 2}, {0, 1, 2}, {1000, 1, 2}};
        float[] squashed = new float[12];
        float[] plain = new float[12];
        b.featuriser().featurise(history, squashed);
        TestBundles.small().featuriser().featurise(history, plain);
        // cpu at t: (1000 - 0) / 1 normalised; asinh(1000) = ln(2000.0005)
        int cpuAtT = b.featuriser().newestInput(0);
        assertThat(plain[cpuAtT]).isEqualTo(1000f);
        assertThat((double) squashed[cpuAtT]).isCloseTo(Math.log(1000 + Math.sqrt(1000.0 * 1000 + 1)), within(1e-5));
        assertThat(b.featuriser().normalisedOf(0, squashed[cpuAtT])).isCloseTo(1000, within(1e-2));
        int memAtT = b.featuriser().newestInput(1);
        assertThat(squashed[memAtT]).isEqualTo(plain[memAtT]);
    }

    @Test
    void anUnknownSquashOrASquashInAnOlderFormatIsRefused() {
        boolean[] one = {true, false, false};
        assertThatThrownBy(() -> TestBundles.withSquash("tanh", one, ModelBundle.FORMAT_VERSION))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("unknown squash 'tanh'");
        assertThatThrownBy(() -> TestBundles.withSquash("asinh", one, 6))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("needs bundle format 7");
        assertThatThrownBy(() -> TestBundles.withSquash("auto", new boolean[] {true}, ModelBundle.FORMAT_VERSION))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("a squashed mark for each of 3 features");
        assertThatThrownBy(() -> TestBundles.withSquash("none", one, ModelBundle.FORMAT_VERSION))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("marked squashed without a squash");
    }

    @Test
    void levelFreeMarksRoundTripAndTheFeaturiserLeavesThoseLevelsOut() throws Exception {
        ModelBundle b = ModelBundle.fromBytes(TestBundles.withLevelFree(new boolean[] {false, true, false},
                ModelBundle.FORMAT_VERSION, true).toBytes());
        assertThat(b.featuriser().levelFree()).containsExactly(false, true, false);
        assertThat(b.manifest().normaliser().levelFree()).containsExactly(false, true, false);
        float[] in = new float[12];
        b.featuriser().featurise(new double[][] {{0, 5, 2}, {0, 7, 2}, {1, 9, 2}}, in);
        assertThat(in[b.featuriser().newestInput(1)]).isZero();
        assertThat(in[b.featuriser().newestInput(0)]).isNotZero();
        assertThat(TestBundles.small().featuriser().anyLevelFree()).isFalse();
    }

    @Test
    void levelFreeMarksInAnOlderFormatWithoutDifferencesOrOfTheWrongCountAreRefused() {
        boolean[] one = {false, true, false};
        assertThatThrownBy(() -> TestBundles.withLevelFree(one, 8, true))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("need bundle format 9");
        assertThatThrownBy(() -> TestBundles.withLevelFree(new boolean[] {true}, ModelBundle.FORMAT_VERSION, true))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("1 level-free marks for 3 features");
        assertThatThrownBy(() -> TestBundles.withLevelFree(one, ModelBundle.FORMAT_VERSION, false))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("need differences");
    }

    @Test
    void aFormatSixBundleWithoutSquashStillLoads() throws Exception {
        ModelBundle b = ModelBundle.fromBytes(TestBundles.withSquash(null, null, 6).toBytes());
        assertThat(b.featuriser().anySquashed()).isFalse();
    }

    @Test
    void rejectsUnknownFormatVersion() throws Exception {
        byte[] z = TestBundles.small().toBytes();
        String m = new String(entry(z, ModelBundle.MANIFEST_ENTRY), StandardCharsets.UTF_8)
                .replace("\"formatVersion\" : " + ModelBundle.FORMAT_VERSION, "\"formatVersion\" : 99");
        InvalidModelException e = refuse(rezip(m.getBytes(StandardCharsets.UTF_8), entry(z, ModelBundle.WEIGHTS_ENTRY)));
        assertThat(e.reason()).isEqualTo(InvalidModelException.Reason.VERSION);
        assertThat(e.getMessage()).contains("99");
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
        TestBundles.small().write(dir.resolve("a/m.zip"));
        try (var s = Files.list(dir.resolve("a"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("m.zip");
        }
    }

    private static InvalidModelException refuse(byte[] z) {
        try {
            ModelBundle.fromBytes(z);
        } catch (InvalidModelException e) {
            return e;
        }
        throw new AssertionError("bundle was accepted");
    }

    static byte[] entry(byte[] zip, String name) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError("no entry " + name);
    }

    static byte[] rezip(byte[] manifest, byte[] weights) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(ModelBundle.MANIFEST_ENTRY));
            z.write(manifest);
            z.putNextEntry(new ZipEntry(ModelBundle.WEIGHTS_ENTRY));
            z.write(weights);
        }
        return out.toByteArray();
    }
}
