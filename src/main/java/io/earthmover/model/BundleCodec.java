package io.earthmover.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.earthmover.model.InvalidModelException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The bundle's bytes: the zip of {@code manifest.json} and {@code weights.bin}, and the manifest's
 * {@code sha256} over the weights followed by the manifest's compact JSON without that field. Knows
 * nothing of what the manifest means ({@link BundleValidator}) or how a model scores ({@link ModelBundle}).
 */
final class BundleCodec {
    /** Bigger entries are refused, so a hostile zip cannot exhaust memory. */
    static final long MAX_ENTRY_BYTES = 512L << 20;
    private static final String SHA_FIELD = "sha256";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final String MANIFEST_ENTRY = ModelBundle.MANIFEST_ENTRY;
    private static final String WEIGHTS_ENTRY = ModelBundle.WEIGHTS_ENTRY;

    private BundleCodec() {
    }

    /** A zip as read: the parsed manifest, the raw weights and the zip itself (kept for {@link ModelBundle#toBytes}). */
    record Decoded(ModelManifest manifest, byte[] weights, byte[] zip) {
    }

    /**
     * The zip of a bundle: {@code weights.bin} (critic, then layer norm, encoder and generator, and
     * conditional generator, as the manifest says) and {@code manifest.json} signed over both.
     */
    static byte[] encode(ModelManifest manifest, float[][] weights, float[][] biases, float[][] gains, float[][] shifts,
            ModelBundle.Autoencoder autoencoder, ConditionalGenerator.Weights conditional) throws InvalidModelException {
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
            return out.toByteArray();
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
    /**
     * Reads a zip into its manifest and weight bytes, checking the zip, the manifest's JSON, its format
     * version and the checksum; what the manifest says is checked by {@link BundleValidator}.
     */
    static Decoded decode(byte[] zip) throws InvalidModelException {
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
        if (fv.intValue() < ModelBundle.OLDEST_FORMAT_VERSION || fv.intValue() > ModelBundle.FORMAT_VERSION) {
            throw new InvalidModelException(Reason.VERSION, "format version " + fv.intValue()
                    + " is not supported; this build reads versions " + ModelBundle.OLDEST_FORMAT_VERSION + " to " + ModelBundle.FORMAT_VERSION);
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
        return new Decoded(m, wbytes, zip);
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
}
