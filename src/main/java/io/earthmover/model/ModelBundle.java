package io.earthmover.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** TEMPORARY stand-in until the engine branch lands: a JSON document, not the real bundle. */
public final class ModelBundle {
    private static final ObjectMapper M = new ObjectMapper();
    private final String version;
    private final FeatureSchema schema;
    private final Featuriser featuriser;
    private final double[] centre;
    private final double threshold;
    private final Instant createdAt;

    private ModelBundle(String version, FeatureSchema schema, int window, double[] centre, double threshold, Instant createdAt) {
        this.version = version;
        this.schema = schema;
        this.featuriser = new Featuriser(schema, window, false, null);
        this.centre = centre;
        this.threshold = threshold;
        this.createdAt = createdAt;
    }

    public static ModelBundle fromBytes(byte[] b) throws InvalidModelException {
        try {
            JsonNode n = M.readTree(b);
            if (n == null || !n.has("version")) {
                throw new InvalidModelException(InvalidModelException.Reason.FORMAT, "not a bundle");
            }
            List<String> names = new ArrayList<>();
            n.get("names").forEach(x -> names.add(x.asText()));
            FeatureSchema s = n.get("named").asBoolean() ? FeatureSchema.named(names) : FeatureSchema.positional(names.size());
            int w = n.get("window").asInt();
            double[] c = new double[names.size() * w];
            double v = n.get("centre").asDouble();
            if (!Double.isFinite(v)) {
                throw new InvalidModelException(InvalidModelException.Reason.NON_FINITE, "NaN");
            }
            java.util.Arrays.fill(c, v);
            return new ModelBundle(n.get("version").asText(), s, w, c, n.get("threshold").asDouble(),
                    Instant.ofEpochMilli(n.get("createdAt").asLong()));
        } catch (java.io.IOException | RuntimeException e) {
            throw new InvalidModelException(InvalidModelException.Reason.FORMAT, "unreadable: " + e.getMessage());
        }
    }

    public String version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public FeatureSchema schema() {
        return schema;
    }

    public Featuriser featuriser() {
        return featuriser;
    }

    public double threshold() {
        return threshold;
    }

    public double holdoutCriticMean() {
        return -1.0;
    }

    public FastScorer newScorer(int topK) {
        return new FastScorer(centre, threshold, topK);
    }
}
