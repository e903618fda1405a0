package io.earthmover.model;

import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import io.earthmover.features.Normaliser;
import io.earthmover.features.Squash;
import io.earthmover.model.InvalidModelException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Checks what a decoded bundle's manifest says against itself and its weights — version and
 * dates, schema, normaliser, critic shapes, the optional blocks each in the format that introduced
 * it (layer norm 3, encoder 4, gate fallback 5, conditional generator 6, the alarm seed's squash 10), weight count and
 * finiteness, calibration and thresholds — and builds the {@link ModelBundle}; anything else is an
 * {@link InvalidModelException} naming the fault.
 */
final class BundleValidator {
    private BundleValidator() {
    }

    /** The model a decoded bundle describes, or the first thing wrong with it. */
    static ModelBundle validate(BundleCodec.Decoded d) throws InvalidModelException {
        ModelManifest m = d.manifest();
        byte[] wbytes = d.weights();
        byte[] zip = d.zip();
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
            schema = FeatureSchema.ofModelNames(m.featureNames(), m.named());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(Reason.SCHEMA, "feature schema: " + e.getMessage());
        }
        if (schema.timeOfDay() && m.formatVersion() < ModelBundle.TIME_OF_DAY_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "time-of-day features need bundle format "
                    + ModelBundle.TIME_OF_DAY_FORMAT_VERSION + ", the manifest says " + m.formatVersion());
        }
        if (m.alarm() != null && m.alarm().squash() != io.earthmover.alarm.AlarmPolicy.Squash.NONE
                && m.formatVersion() < ModelBundle.ALARM_SQUASH_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "an alarm seed squashed with " + m.alarm().squash().configName()
                    + " needs bundle format " + ModelBundle.ALARM_SQUASH_FORMAT_VERSION + ", the manifest says " + m.formatVersion());
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
        Featuriser featuriser = new Featuriser(schema, m.window(), m.differences(), normaliser, squashed(m, schema.size()),
                levelFree(m, schema.size()));
        ModelManifest.Architecture a = m.architecture();
        if (a == null || a.critic() == null) {
            throw new InvalidModelException(Reason.FORMAT, "the manifest has no critic architecture");
        }
        if (a.layerNorm() && m.formatVersion() < ModelBundle.LAYER_NORM_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "critic layer norm needs bundle format " + ModelBundle.LAYER_NORM_FORMAT_VERSION
                    + " or later; this bundle says format " + m.formatVersion());
        }
        if (!ModelBundle.WEIGHTS_FORMAT.equals(a.weightsFormat())) {
            throw new InvalidModelException(Reason.FORMAT, "weights format '" + a.weightsFormat() + "' is not " + ModelBundle.WEIGHTS_FORMAT);
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
            throw new InvalidModelException(Reason.SHAPE, ModelBundle.WEIGHTS_ENTRY + " has " + wbytes.length + " bytes; critic "
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
        ModelBundle.Autoencoder autoencoder = null;
        if (a.hasEncoder()) {
            float[][][] enc = readLayers(buf, a.encoder(), "encoder");
            float[][][] gen = readLayers(buf, a.generator(), "generator");
            autoencoder = new ModelBundle.Autoencoder(enc[0], enc[1], gen[0], gen[1]);
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
    /**
     * Which features' inputs the manifest squashes. Refused: a squash name this build does not know, a
     * mark per feature that does not match the schema, marks without a squash (or none with one), any
     * squash in a format before 7 or on a conditional model.
     */
    private static boolean[] squashed(ModelManifest m, int features) throws InvalidModelException {
        Squash squash;
        try {
            squash = Squash.of(m.normaliser().squash());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(Reason.FORMAT, "normaliser: " + e.getMessage());
        }
        boolean[] marks = m.normaliser().squashed();
        if (squash == Squash.NONE) {
            if (anyTrue(marks)) {
                throw new InvalidModelException(Reason.FORMAT, "normaliser: features marked squashed without a squash");
            }
            return null;
        }
        if (m.formatVersion() < ModelBundle.SQUASH_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "squash " + squash.configName() + " needs bundle format "
                    + ModelBundle.SQUASH_FORMAT_VERSION + " or later; this bundle says format " + m.formatVersion());
        }
        if (m.conditional() != null) {
            throw new InvalidModelException(Reason.FORMAT, "a conditional model cannot have squash " + squash.configName());
        }
        if (marks == null || marks.length != features) {
            throw new InvalidModelException(Reason.SHAPE, "normaliser: squash " + squash.configName() + " needs a squashed mark for each of "
                    + features + " features, the manifest has " + (marks == null ? "none" : marks.length));
        }
        return marks;
    }

    /**
     * Which features the manifest marks level-free (entering by their differences alone). Refused: marks
     * in a format before 9, a count that does not match the schema, marks without differences, on a
     * conditional model or with an encoder (both read the newest level).
     */
    private static boolean[] levelFree(ModelManifest m, int features) throws InvalidModelException {
        boolean[] marks = m.normaliser().levelFree();
        if (!anyTrue(marks)) {
            return null;
        }
        if (m.formatVersion() < ModelBundle.LEVEL_FREE_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "level-free features need bundle format "
                    + ModelBundle.LEVEL_FREE_FORMAT_VERSION + " or later; this bundle says format " + m.formatVersion());
        }
        if (marks.length != features) {
            throw new InvalidModelException(Reason.SHAPE, "normaliser: " + marks.length + " level-free marks for "
                    + features + " features");
        }
        if (!m.differences()) {
            throw new InvalidModelException(Reason.FORMAT, "level-free features need differences (features.differences)");
        }
        if (m.conditional() != null || m.architecture().encoder() != null) {
            throw new InvalidModelException(Reason.FORMAT, "a " + (m.conditional() != null ? "conditional model" : "model with an encoder")
                    + " cannot have level-free features");
        }
        return marks;
    }

    private static boolean anyTrue(boolean[] marks) {
        if (marks != null) {
            for (boolean b : marks) {
                if (b) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void checkFallback(ModelManifest m) throws InvalidModelException {
        ModelManifest.Fallback f = m.fallback();
        if (f == null) {
            return;
        }
        if (m.formatVersion() < ModelBundle.FALLBACK_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "a gate fallback needs bundle format " + ModelBundle.FALLBACK_FORMAT_VERSION
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
        if (m.formatVersion() < ModelBundle.ENCODER_FORMAT_VERSION) {
            throw new InvalidModelException(Reason.FORMAT, "an encoder needs bundle format " + ModelBundle.ENCODER_FORMAT_VERSION
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
}
