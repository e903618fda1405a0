package io.earthmover.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/**
 * A trained model as one zip: {@code manifest.json} ({@link ModelManifest}) and
 * {@code weights.bin} (the critic's weights as little-endian float32: per layer W row-major then
 * b; with layer norm (format 3) then per hidden layer its gain then its shift). The manifest's
 * {@code sha256} covers the weights followed by the manifest's compact JSON without the
 * {@code sha256} field, so neither can change unnoticed. Loading checks format version,
 * checksum, schema, shapes and finiteness and refuses anything else. Immutable and thread-safe;
 * scorers come from {@link #newScorer(int)}. The bytes are {@link BundleCodec}'s job, the checks
 * {@link BundleValidator}'s; this class is the model they produce.
 */
public final class ModelBundle {
    /**
     * Format written by this build: 2 adds the alarm seed ({@code alarm} in the manifest); 3 adds
     * layer norm in the critic ({@code architecture.layerNorm} true: gains and shifts after the
     * weights, epsilon {@link LayerNorm#EPSILON}); 4 adds an optional encoder ({@code architecture.encoder}
     * and {@code reconstruction} in the manifest; the encoder's and then the generator's weights after
     * the critic's); 5 adds the quality gate's fallback block ({@code fallback}); 6 adds an optional
     * conditional generator ({@code conditional} in the manifest, its weights after the critic's,
     * {@link ConditionalGenerator}); 7 adds the featuriser's squash ({@code normaliser.squash},
     * {@link io.earthmover.features.Squash}). Formats 1 to 6 load as before (no squash); 8 may end
     * {@code featureNames} with the derived time-of-day features ({@code features.time.of.day},
     * {@link io.earthmover.features.FeatureSchema}), which the alarm seed's per-feature arrays leave out;
     * 9 adds the level-free marks ({@code normaliser.levelFree}, {@code features.level=auto},
     * {@link io.earthmover.features.SlowFeatures}); 10 records in the alarm seed the squash its
     * surprises were averaged with ({@code alarm.squash}, {@code alarm.likelihood.squash}).
     */
    public static final int FORMAT_VERSION = 10;
    /** The first format whose alarm seed may name a likelihood squash other than none. */
    static final int ALARM_SQUASH_FORMAT_VERSION = 10;
    /** The first format whose normaliser may mark features level-free. */
    static final int LEVEL_FREE_FORMAT_VERSION = 9;
    /** The first format whose features may end with the derived time-of-day features. */
    static final int TIME_OF_DAY_FORMAT_VERSION = 8;
    /** The first format whose normaliser may name a squash other than none. */
    static final int SQUASH_FORMAT_VERSION = 7;
    /** First format whose critic may have layer norm. */
    static final int LAYER_NORM_FORMAT_VERSION = 3;
    /** First format that may hold an encoder and generator. */
    static final int ENCODER_FORMAT_VERSION = 4;
    /** The first format with a gate fallback block ({@link ModelManifest.Fallback}). */
    static final int FALLBACK_FORMAT_VERSION = 5;
    /** Oldest format this build still reads (its models start each key's alarm state without a seed). */
    public static final int OLDEST_FORMAT_VERSION = 1;
    public static final String MANIFEST_ENTRY = "manifest.json";
    public static final String WEIGHTS_ENTRY = "weights.bin";
    public static final String WEIGHTS_FORMAT = "float32-le";
    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final ModelManifest manifest;
    private final byte[] zip;
    private final float[][] weights;
    private final float[][] biases;
    private final float[][] gains;
    private final float[][] shifts;
    private final PlainCritic critic;
    /** With an encoder: the encoder's and generator's weights and biases, and their plain-Java copies; else null. */
    private final Autoencoder autoencoder;
    private final PlainCritic encoder;
    private final PlainCritic generator;
    /** With {@code train.conditional}: the conditional generator's weights and plain-Java copy; else null. */
    private final ConditionalGenerator.Weights conditional;
    private final PlainCritic conditionalGenerator;
    private final FeatureSchema schema;
    private final Featuriser featuriser;
    private final Calibration calibration;
    private final float[] baseline;
    private final Instant createdAt;

    /**
     * The encoder E and generator G of a model trained with {@code train.encoder}: per layer W
     * row-major ({@code in x out}) and b, as the critic's.
     */
    public record Autoencoder(float[][] encoderWeights, float[][] encoderBiases, float[][] generatorWeights,
                              float[][] generatorBiases) {
    }

    ModelBundle(ModelManifest m, byte[] zip, float[][] w, float[][] b, float[][] gains, float[][] shifts,
                        Autoencoder autoencoder, ConditionalGenerator.Weights conditional, FeatureSchema schema,
                        Featuriser featuriser, Calibration calibration, Instant createdAt) {
        this.manifest = m;
        this.conditional = conditional;
        this.conditionalGenerator = conditional == null ? null : new PlainCritic(m.conditional().generator(),
                m.architecture().leakyReluSlope(), conditional.weights(), conditional.biases());
        this.autoencoder = autoencoder;
        double slope = m.architecture().leakyReluSlope();
        this.encoder = autoencoder == null ? null : new PlainCritic(m.architecture().encoder(), slope,
                autoencoder.encoderWeights(), autoencoder.encoderBiases());
        this.generator = autoencoder == null ? null : new PlainCritic(m.architecture().generator(), slope,
                autoencoder.generatorWeights(), autoencoder.generatorBiases());
        this.zip = zip;
        this.weights = w;
        this.biases = b;
        this.gains = gains;
        this.shifts = shifts;
        this.schema = schema;
        this.featuriser = featuriser;
        this.calibration = calibration;
        this.createdAt = createdAt;
        this.critic = new PlainCritic(m.architecture().critic(), m.architecture().leakyReluSlope(), w, b, gains, shifts);
        double[] base = m.calibration().attributionBaseline();
        this.baseline = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            baseline[i] = (float) base[i];
        }
    }

    /** A new unique model version id: {@code yyyyMMdd-HHmmss-<8 hex>} (UTC). */
    public static String newVersionId(Instant at, Random random) {
        return VERSION_TIME.format(at) + "-" + String.format("%08x", random.nextInt());
    }

    /**
     * Builds a bundle from a manifest (its {@code sha256} is ignored and computed here) and the
     * critic's weights (per layer: row-major {@code in x out}) and biases; validates it like a load.
     */
    public static ModelBundle create(ModelManifest manifest, float[][] weights, float[][] biases) throws InvalidModelException {
        return create(manifest, weights, biases, new float[0][], new float[0][]);
    }

    /**
     * As above, with layer norm's gain and shift of each hidden layer (empty arrays: no layer norm;
     * {@code architecture.layerNorm} must say which).
     */
    public static ModelBundle create(ModelManifest manifest, float[][] weights, float[][] biases, float[][] gains,
            float[][] shifts) throws InvalidModelException {
        return create(manifest, weights, biases, gains, shifts, null);
    }

    /**
     * As above, with an encoder and generator ({@code autoencoder} null: none; the manifest's
     * {@code architecture.encoder} and {@code reconstruction} must say which).
     */
    public static ModelBundle create(ModelManifest manifest, float[][] weights, float[][] biases, float[][] gains,
            float[][] shifts, Autoencoder autoencoder) throws InvalidModelException {
        return create(manifest, weights, biases, gains, shifts, autoencoder, null);
    }

    /**
     * As above, with a conditional generator ({@code conditional} null: none; the manifest's
     * {@code conditional} block must say which, with the weights' shapes).
     */
    public static ModelBundle create(ModelManifest manifest, float[][] weights, float[][] biases, float[][] gains,
            float[][] shifts, Autoencoder autoencoder, ConditionalGenerator.Weights conditional) throws InvalidModelException {
        return fromBytes(BundleCodec.encode(manifest, weights, biases, gains, shifts, autoencoder, conditional));
    }


    public static ModelBundle read(Path file) throws InvalidModelException, IOException {
        return fromBytes(Files.readAllBytes(file));
    }

    /** Parses and validates a bundle; every failure is an {@link InvalidModelException} with a reason. */
    public static ModelBundle fromBytes(byte[] zip) throws InvalidModelException {
        return BundleValidator.validate(BundleCodec.decode(zip));
    }



    public byte[] toBytes() {
        return zip.clone();
    }

    /** Writes atomically (temporary file, then rename) so a reader never sees half a bundle. */
    public void write(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, zip);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The manifest as pretty-printed JSON (for {@code earthmover model inspect}). */
    public String manifestJson() {
        try {
            return BundleCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String version() {
        return manifest.version();
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String sha256() {
        return manifest.sha256();
    }

    public FeatureSchema schema() {
        return schema;
    }

    public Featuriser featuriser() {
        return featuriser;
    }

    public Calibration calibration() {
        return calibration;
    }

    /** Score threshold: a record is an anomaly when its calibrated score is at least this. */
    public double threshold() {
        return manifest.threshold();
    }

    /** The threshold as a critic value: anomaly when D(x) is at most this. */
    public double criticThreshold() {
        return manifest.criticThreshold();
    }

    /** Mean critic value of the holdout; drift = this minus the mean critic value of recent live data. */
    public double holdoutCriticMean() {
        return manifest.metrics().holdoutCriticMean();
    }

    public double holdoutCriticStd() {
        return manifest.metrics().holdoutCriticStd();
    }

    /**
     * The critic's drop below the holdout mean, in holdout standard deviations: the raw anomaly
     * signal the alarm layer's likelihood works on, on one scale for every model.
     */
    public double surprise(double critic) {
        return (holdoutCriticMean() - critic) / Math.max(holdoutCriticStd(), 1e-9);
    }

    /** Share of holdout records flagged at {@link #threshold()} (measured at training). */
    public double holdoutFalseAlarmRate() {
        return manifest.metrics().holdoutFalseAlarmRate();
    }

    /** The Wasserstein estimate mean D(holdout) - mean D(generated) recorded at training. */
    public double wasserstein() {
        return manifest.metrics().wasserstein();
    }

    /**
     * What a new key's alarm state starts from: the seed stored at training, or none for a bundle of
     * format 1 or one whose seed does not fit its features (the key then learns its own first).
     */
    public io.earthmover.alarm.AlarmSeed alarmSeed() {
        io.earthmover.alarm.AlarmSeed s = manifest.alarm();
        if (s == null || (s.hasRange() && s.featureMin().length != schema.recordSize())) {
            return io.earthmover.alarm.AlarmSeed.none();
        }
        return s;
    }

    /** This bundle with {@code seed} as its alarm seed (a new manifest checksum; same version and weights). */
    public ModelBundle withAlarmSeed(io.earthmover.alarm.AlarmSeed seed) throws InvalidModelException {
        return create(manifest.withAlarm(seed), weights, biases, gains, shifts, autoencoder, conditional);
    }

    /** The gate fallback this model serves under, or null for a model the quality gate accepted. */
    public ModelManifest.Fallback fallback() {
        return manifest.fallback();
    }

    /** Whether the alarm layer must ignore this model's critic (a refused first model serving the rules alone). */
    public boolean rulesOnly() {
        return manifest.fallback() != null && manifest.fallback().rulesOnly();
    }

    /** This bundle marked as a gate fallback (a new manifest checksum; same version and weights). */
    public ModelBundle withFallback(ModelManifest.Fallback f) throws InvalidModelException {
        return create(manifest.withFallback(f), weights, biases, gains, shifts, autoencoder, conditional);
    }

    /** Whether features are standardised per key ({@link io.earthmover.features.KeyStandardiser}) before the normaliser. */
    public boolean keyStandardise() {
        return Boolean.TRUE.equals(manifest.keyStandardise());
    }

    /** This bundle with per-key standardisation on or off (a new manifest checksum; same version and weights). */
    public ModelBundle withKeyStandardise(boolean on) throws InvalidModelException {
        return create(manifest.withKeyStandardise(on), weights, biases, gains, shifts, autoencoder, conditional);
    }

    /**
     * A plain-Java scorer reporting the {@code topK} largest attributions, on the kernel chosen for
     * this JVM (see {@link FastScorer}). Not thread-safe: one per thread.
     */
    public FastScorer newScorer(int topK) {
        return scorer(DenseKernels.selected().kernel(), topK);
    }

    private FastScorer scorer(DenseKernel kernel, int topK) {
        Reconstructor r = encoder == null ? null : new Reconstructor(encoder, generator, kernel, manifest.reconstruction());
        ConditionalReference c = conditional == null ? null : new ConditionalReference(conditionalGenerator,
                new ConditionalLayout(schema.size(), manifest.window(), manifest.differences()), kernel);
        return new FastScorer(critic, kernel, calibration, manifest.threshold(), baseline, topK, r, c);
    }

    /** Whether the model is conditional ({@code train.conditional}): its served value is {@code D(x) - D(ref(x))}. */
    public boolean isConditional() {
        return conditional != null;
    }

    /** The conditional generator's weights (a copy), or null for a model without one. */
    public ConditionalGenerator.Weights conditionalGenerator() {
        return conditional == null ? null : conditional.copy();
    }

    /** Whether the model has an encoder: its scores carry a reconstruction (expected values). */
    public boolean hasEncoder() {
        return autoencoder != null;
    }

    /** The encoder and generator's weights (copies), or null without an encoder. */
    public Autoencoder autoencoder() {
        return autoencoder == null ? null : new Autoencoder(deepCopy(autoencoder.encoderWeights()),
                deepCopy(autoencoder.encoderBiases()), deepCopy(autoencoder.generatorWeights()),
                deepCopy(autoencoder.generatorBiases()));
    }

    /** The critic's weights in {@link FastScorer}'s layout (for tests that pick a kernel). */
    PlainCritic plainCritic() {
        return critic;
    }

    /** As {@link #newScorer(int)}, always on the plain-Java kernel: the fallback, for comparisons. */
    public FastScorer newScalarScorer(int topK) {
        return scorer(ScalarKernel.INSTANCE, topK);
    }

    /** A copy of the critic's weights, per layer row-major {@code in x out} (for an ND4J copy of the critic). */
    public float[][] criticWeights() {
        return deepCopy(weights);
    }

    /** A copy of the critic's biases, per layer. */
    public float[][] criticBiases() {
        return deepCopy(biases);
    }

    /** A copy of layer norm's gain of each hidden layer (empty without layer norm). */
    public float[][] criticGains() {
        return deepCopy(gains);
    }

    /** A copy of layer norm's shift of each hidden layer (empty without layer norm). */
    public float[][] criticShifts() {
        return deepCopy(shifts);
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
