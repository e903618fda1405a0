package io.earthmover.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import io.earthmover.features.Normaliser;
import io.earthmover.model.InvalidModelException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A trained model as one zip: {@code manifest.json} ({@link ModelManifest}) and
 * {@code weights.bin} (the critic's weights as little-endian float32: per layer W row-major then
 * b; with layer norm (format 3) then per hidden layer its gain then its shift). The manifest's
 * {@code sha256} covers the weights followed by the manifest's compact JSON without the
 * {@code sha256} field, so neither can change unnoticed. Loading checks format version,
 * checksum, schema, shapes and finiteness and refuses anything else. Immutable and thread-safe;
 * scorers come from {@link #newScorer(int)}.
 */
public final class ModelBundle {
    /**
     * Format written by this build: 2 adds the alarm seed ({@code alarm} in the manifest); 3 adds
     * layer norm in the critic ({@code architecture.layerNorm} true: gains and shifts after the
     * weights, epsilon {@link LayerNorm#EPSILON}); 4 adds an optional encoder ({@code architecture.encoder}
     * and {@code reconstruction} in the manifest; the encoder's and then the generator's weights after
     * the critic's); 5 adds the quality gate's fallback block ({@code fallback}); 6 adds an optional
     * conditional generator ({@code conditional} in the manifest, its weights after the critic's,
     * {@link ConditionalGenerator}). Formats 1 to 5 load as before.
     */
    public static final int FORMAT_VERSION = 6;
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
    /** Bigger entries are refused, so a hostile zip cannot exhaust memory. */
    static final long MAX_ENTRY_BYTES = 512L << 20;
    private static final String SHA_FIELD = "sha256";
    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

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

    private ModelBundle(ModelManifest m, byte[] zip, float[][] w, float[][] b, float[][] gains, float[][] shifts,
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
        ConditionalGenerator.checkShapes(manifest, conditional);
        int floats = conditional == null ? 0 : conditional.floats();
        for (int l = 0; l < weights.length; l++) {
            floats += weights[l].length + biases[l].length;
        }
        for (int k = 0; k < gains.length; k++) {
            floats += gains[k].length + shifts[k].length;
        }
        float[][][] extra = autoencoder == null ? new float[0][][] : new float[][][] {autoencoder.encoderWeights(),
                autoencoder.encoderBiases(), autoencoder.generatorWeights(), autoencoder.generatorBiases()};
        for (float[][] part : extra) {
            for (float[] layer : part) {
                floats += layer.length;
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < weights.length; l++) {
            put(buf, weights[l]);
            put(buf, biases[l]);
        }
        for (int k = 0; k < gains.length; k++) {
            put(buf, gains[k]);
            put(buf, shifts[k]);
        }
        if (autoencoder != null) {
            putLayers(buf, autoencoder.encoderWeights(), autoencoder.encoderBiases());
            putLayers(buf, autoencoder.generatorWeights(), autoencoder.generatorBiases());
        }
        if (conditional != null) {
            conditional.write(buf);
        }
        byte[] wbytes = buf.array();
        ObjectNode tree = JSON.valueToTree(manifest.withSha256(null));
        tree.remove(SHA_FIELD);
        String sum = checksum(wbytes, tree);
        tree.put(SHA_FIELD, sum);
        try {
            byte[] mbytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
            ByteArrayOutputStream out = new ByteArrayOutputStream(wbytes.length + mbytes.length + 512);
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                z.putNextEntry(new ZipEntry(MANIFEST_ENTRY));
                z.write(mbytes);
                z.closeEntry();
                z.putNextEntry(new ZipEntry(WEIGHTS_ENTRY));
                z.write(wbytes);
                z.closeEntry();
            }
            return fromBytes(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write bundle in memory", e);
        }
    }

    private static void putLayers(ByteBuffer buf, float[][] w, float[][] b) {
        for (int l = 0; l < w.length; l++) {
            put(buf, w[l]);
            put(buf, b[l]);
        }
    }

    private static void put(ByteBuffer buf, float[] values) {
        for (float v : values) {
            buf.putFloat(v);
        }
    }

    public static ModelBundle read(Path file) throws InvalidModelException, IOException {
        return fromBytes(Files.readAllBytes(file));
    }

    /** Parses and validates a bundle; every failure is an {@link InvalidModelException} with a reason. */
    public static ModelBundle fromBytes(byte[] zip) throws InvalidModelException {
        if (zip == null || zip.length == 0) {
            throw new InvalidModelException(Reason.FORMAT, "the bundle is empty");
        }
        if (!hasEndRecord(zip)) {
            throw new InvalidModelException(Reason.FORMAT, "not a complete zip: no end-of-central-directory record"
                    + " (truncated or corrupted?)");
        }
        byte[] mbytes = null;
        byte[] wbytes = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(MANIFEST_ENTRY)) {
                    mbytes = readEntry(in, e.getName());
                } else if (e.getName().equals(WEIGHTS_ENTRY)) {
                    wbytes = readEntry(in, e.getName());
                }
            }
        } catch (IOException e) {
            throw new InvalidModelException(Reason.FORMAT, "not a readable zip (truncated or corrupted?): " + e.getMessage(), e);
        }
        if (mbytes == null || wbytes == null) {
            throw new InvalidModelException(Reason.FORMAT, "the zip lacks " + (mbytes == null ? MANIFEST_ENTRY : WEIGHTS_ENTRY)
                    + " (truncated, or not a model bundle)");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(mbytes);
        } catch (IOException e) {
            throw new InvalidModelException(Reason.FORMAT, MANIFEST_ENTRY + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new InvalidModelException(Reason.FORMAT, MANIFEST_ENTRY + " is not a JSON object");
        }
        JsonNode fv = obj.get("formatVersion");
        if (fv == null || !fv.canConvertToInt()) {
            throw new InvalidModelException(Reason.FORMAT, MANIFEST_ENTRY + " has no formatVersion");
        }
        if (fv.intValue() < OLDEST_FORMAT_VERSION || fv.intValue() > FORMAT_VERSION) {
            throw new InvalidModelException(Reason.VERSION, "format version " + fv.intValue()
                    + " is not supported; this build reads versions " + OLDEST_FORMAT_VERSION + " to " + FORMAT_VERSION);
        }
        JsonNode sumNode = obj.get(SHA_FIELD);
        if (sumNode == null || !sumNode.isTextual()) {
            throw new InvalidModelException(Reason.CHECKSUM, MANIFEST_ENTRY + " has no sha256");
        }
        ObjectNode unsigned = obj.deepCopy();
        unsigned.remove(SHA_FIELD);
        String expected = checksum(wbytes, unsigned);
        if (!expected.equalsIgnoreCase(sumNode.asText())) {
            throw new InvalidModelException(Reason.CHECKSUM, "SHA-256 mismatch: the manifest says " + sumNode.asText()
                    + " but weights and manifest hash to " + expected + " (the bundle was modified or corrupted)");
        }
        ModelManifest m;
        try {
            m = JSON.treeToValue(obj, ModelManifest.class);
        } catch (JsonProcessingException e) {
            throw new InvalidModelException(Reason.FORMAT, MANIFEST_ENTRY + " does not match the manifest format: " + e.getOriginalMessage(), e);
        }
        return validate(m, wbytes, zip);
    }

    /** A complete zip ends with its end-of-central-directory record (22 bytes plus a comment). */
    private static boolean hasEndRecord(byte[] z) {
        int min = Math.max(0, z.length - 22 - 0xFFFF);
        for (int i = z.length - 22; i >= min; i--) {
            if (z[i] == 0x50 && z[i + 1] == 0x4b && z[i + 2] == 0x05 && z[i + 3] == 0x06) {
                int commentLength = (z[i + 20] & 0xff) | (z[i + 21] & 0xff) << 8;
                return i + 22 + commentLength == z.length;
            }
        }
        return false;
    }

    private static byte[] readEntry(InputStream in, String name) throws IOException, InvalidModelException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        long total = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            total += r;
            if (total > MAX_ENTRY_BYTES) {
                throw new InvalidModelException(Reason.FORMAT, name + " is larger than " + MAX_ENTRY_BYTES + " bytes");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    private static String checksum(byte[] weights, ObjectNode unsignedManifest) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(weights);
            md.update(JSON.writeValueAsBytes(unsignedManifest));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelBundle validate(ModelManifest m, byte[] wbytes, byte[] zip) throws InvalidModelException {
        if (m.version() == null || m.version().isBlank()) {
            throw new InvalidModelException(Reason.FORMAT, "the manifest has no model version");
        }
        Instant created;
        try {
            created = Instant.parse(m.createdAt());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidModelException(Reason.FORMAT, "createdAt '" + m.createdAt() + "' is not an ISO-8601 instant");
        }
        FeatureSchema schema;
        try {
            if (m.featureNames() == null) {
                throw new IllegalArgumentException("featureNames is missing");
            }
            schema = new FeatureSchema(m.featureNames(), m.named());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(Reason.SCHEMA, "feature schema: " + e.getMessage());
        }
        if (m.window() < 1) {
            throw new InvalidModelException(Reason.SCHEMA, "window " + m.window() + " must be at least 1");
        }
        ModelManifest.NormaliserSpec ns = m.normaliser();
        if (ns == null || ns.centre() == null || ns.scale() == null) {
            throw new InvalidModelException(Reason.FORMAT, "the manifest has no normaliser");
        }
        if (ns.centre().length != schema.size() || ns.scale().length != schema.size()) {
            throw new InvalidModelException(Reason.SHAPE, "normaliser has " + ns.centre().length + " centres and "
                    + ns.scale().length + " scales for " + schema.size() + " features");
        }
        Normaliser normaliser;
        try {
            normaliser = Normaliser.of(ns.kind(), ns.centre(), ns.scale());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(Reason.NON_FINITE, "normaliser: " + e.getMessage());
        }
        Featuriser featuriser = new Featuriser(schema, m.window(), m.differences(), normaliser);
        ModelManifest.Architecture a = m.architecture();
        if (a == null || a.critic() == null) {
            throw new InvalidModelException(Reason.FORMAT, "the manifest has no critic architecture");
        }
        if (a.layerNorm() && m.formatVersion() < LAYER_NORM_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "critic layer norm needs bundle format " + LAYER_NORM_FORMAT_VERSION
                    + " or later; this bundle says format " + m.formatVersion());
        }
        if (!WEIGHTS_FORMAT.equals(a.weightsFormat())) {
            throw new InvalidModelException(Reason.FORMAT, "weights format '" + a.weightsFormat() + "' is not " + WEIGHTS_FORMAT);
        }
        int[] sizes = a.critic();
        if (sizes.length < 2 || sizes[sizes.length - 1] != 1) {
            throw new InvalidModelException(Reason.SHAPE, "the critic must have at least one layer and one output");
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new InvalidModelException(Reason.SHAPE, "critic layer size " + s + " must be positive");
            }
        }
        if (sizes[0] != featuriser.inputSize() || a.inputSize() != featuriser.inputSize()) {
            throw new InvalidModelException(Reason.SHAPE, "critic input size " + sizes[0] + " (architecture " + a.inputSize()
                    + ") does not match " + schema.size() + " features x window " + m.window()
                    + (m.differences() ? " x 2 (differences)" : "") + " = " + featuriser.inputSize());
        }
        if (!(a.leakyReluSlope() >= 0 && a.leakyReluSlope() < 1)) {
            throw new InvalidModelException(Reason.FORMAT, "LeakyReLU slope " + a.leakyReluSlope() + " is not in [0,1)");
        }
        long expected = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            expected += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        int norms = a.layerNorm() ? sizes.length - 2 : 0;
        for (int k = 0; k < norms; k++) {
            expected += 2L * sizes[k + 1];
        }
        checkEncoder(m, featuriser.inputSize());
        checkFallback(m);
        if (a.hasEncoder()) {
            expected += parameters(a.encoder()) + parameters(a.generator());
        }
        ConditionalGenerator.check(m, schema.size(), featuriser.inputSize());
        expected += ConditionalGenerator.parameters(m);
        if (wbytes.length != expected * Float.BYTES) {
            throw new InvalidModelException(Reason.SHAPE, WEIGHTS_ENTRY + " has " + wbytes.length + " bytes; critic "
                    + java.util.Arrays.toString(sizes) + (a.layerNorm() ? " with layer norm" : "")
                    + (a.hasEncoder() ? ", encoder " + java.util.Arrays.toString(a.encoder()) + " and generator "
                    + java.util.Arrays.toString(a.generator()) : "")
                    + (m.conditional() != null ? ", conditional generator " + java.util.Arrays.toString(m.conditional().generator())
                    : "") + " need " + expected * Float.BYTES);
        }
        ByteBuffer buf = ByteBuffer.wrap(wbytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] w = new float[sizes.length - 1][];
        float[][] b = new float[sizes.length - 1][];
        for (int l = 0; l < w.length; l++) {
            w[l] = readFloats(buf, sizes[l] * sizes[l + 1], l);
            b[l] = readFloats(buf, sizes[l + 1], l);
        }
        float[][] gain = new float[norms][];
        float[][] shift = new float[norms][];
        for (int k = 0; k < norms; k++) {
            gain[k] = readFloats(buf, sizes[k + 1], k);
            shift[k] = readFloats(buf, sizes[k + 1], k);
        }
        Autoencoder autoencoder = null;
        if (a.hasEncoder()) {
            float[][][] enc = readLayers(buf, a.encoder(), "encoder");
            float[][][] gen = readLayers(buf, a.generator(), "generator");
            autoencoder = new Autoencoder(enc[0], enc[1], gen[0], gen[1]);
        }
        ConditionalGenerator.Weights conditional = ConditionalGenerator.read(buf, m);
        ModelManifest.CalibrationTable ct = m.calibration();
        if (ct == null || ct.criticValues() == null || ct.cdf() == null || ct.attributionBaseline() == null) {
            throw new InvalidModelException(Reason.FORMAT, "the manifest has no calibration table");
        }
        if (ct.attributionBaseline().length != featuriser.inputSize()) {
            throw new InvalidModelException(Reason.SHAPE, "attribution baseline has " + ct.attributionBaseline().length
                    + " values for " + featuriser.inputSize() + " inputs");
        }
        for (double v : ct.attributionBaseline()) {
            if (!Double.isFinite(v)) {
                throw new InvalidModelException(Reason.NON_FINITE, "attribution baseline is not finite");
            }
        }
        Calibration cal;
        try {
            cal = Calibration.of(ct.criticValues(), ct.cdf());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(Reason.NON_FINITE, "calibration: " + e.getMessage());
        }
        if (!(m.threshold() > 0 && m.threshold() <= 1) || !Double.isFinite(m.criticThreshold())) {
            throw new InvalidModelException(Reason.NON_FINITE, "threshold " + m.threshold() + " / critic threshold "
                    + m.criticThreshold() + " is not a score in (0,1] and a finite critic value");
        }
        return new ModelBundle(m, zip, w, b, gain, shift, autoencoder, conditional, schema, featuriser, cal, created);
    }

    /** A fallback block names a known mode, in format 5 or later. */
    private static void checkFallback(ModelManifest m) throws InvalidModelException {
        ModelManifest.Fallback f = m.fallback();
        if (f == null) {
            return;
        }
        if (m.formatVersion() < FALLBACK_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "a gate fallback needs bundle format " + FALLBACK_FORMAT_VERSION
                    + " or later; this bundle says format " + m.formatVersion());
        }
        if (!ModelManifest.Fallback.RULES.equals(f.mode()) && !ModelManifest.Fallback.MODEL.equals(f.mode())) {
            throw new InvalidModelException(Reason.FORMAT, "gate fallback mode '" + f.mode() + "' is not "
                    + ModelManifest.Fallback.RULES + " or " + ModelManifest.Fallback.MODEL);
        }
    }

    /** An encoder and its reconstruction block come together, in format 4 or later, with shapes that chain. */
    private static void checkEncoder(ModelManifest m, int inputSize) throws InvalidModelException {
        ModelManifest.Architecture a = m.architecture();
        ModelManifest.Reconstruction r = m.reconstruction();
        if (!a.hasEncoder()) {
            if (r != null) {
                throw new InvalidModelException(Reason.FORMAT, "the manifest has a reconstruction block but no encoder");
            }
            return;
        }
        if (m.formatVersion() < ENCODER_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "an encoder needs bundle format " + ENCODER_FORMAT_VERSION
                    + " or later; this bundle says format " + m.formatVersion());
        }
        if (r == null) {
            throw new InvalidModelException(Reason.FORMAT, "the manifest has an encoder but no reconstruction block");
        }
        int[] e = a.encoder();
        int[] g = a.generator();
        if (g == null || e.length < 2 || g.length < 2 || e[0] != inputSize || g[g.length - 1] != inputSize
                || e[e.length - 1] != g[0] || java.util.Arrays.stream(e).anyMatch(x -> x < 1)
                || java.util.Arrays.stream(g).anyMatch(x -> x < 1)) {
            throw new InvalidModelException(Reason.SHAPE, "encoder " + java.util.Arrays.toString(e) + " and generator "
                    + java.util.Arrays.toString(g) + " must map the " + inputSize + " critic inputs to one latent size and back");
        }
        if (!(r.weight() >= 0 && r.weight() < 1) || !Double.isFinite(r.criticMean()) || !Double.isFinite(r.errorMean())
                || !(r.criticStd() > 0 && Double.isFinite(r.criticStd())) || !(r.errorStd() > 0 && Double.isFinite(r.errorStd()))) {
            throw new InvalidModelException(Reason.NON_FINITE, "reconstruction " + r + ": the weight must be in [0,1),"
                    + " the means finite and the standard deviations positive and finite");
        }
    }

    private static long parameters(int[] sizes) {
        long n = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            n += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        return n;
    }

    /** Weights ([0]) and biases ([1]) of each layer of a network with these sizes. */
    private static float[][][] readLayers(ByteBuffer buf, int[] sizes, String net) throws InvalidModelException {
        float[][] w = new float[sizes.length - 1][];
        float[][] b = new float[sizes.length - 1][];
        for (int l = 0; l < w.length; l++) {
            w[l] = readFloats(buf, sizes[l] * sizes[l + 1], net, l);
            b[l] = readFloats(buf, sizes[l + 1], net, l);
        }
        return new float[][][] {w, b};
    }

    private static float[] readFloats(ByteBuffer buf, int n, int layer) throws InvalidModelException {
        return readFloats(buf, n, "critic", layer);
    }

    private static float[] readFloats(ByteBuffer buf, int n, String net, int layer) throws InvalidModelException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = buf.getFloat();
            if (!Float.isFinite(v[i])) {
                throw new InvalidModelException(Reason.NON_FINITE, net + " layer " + layer + " has a non-finite weight");
            }
        }
        return v;
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
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest);
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
        if (s == null || (s.hasRange() && s.featureMin().length != manifest.featureNames().size())) {
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
