package io.earthmover.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code anomaly-scores} value as a consumer reads it: the fields the README's contract
 * lists. The one reader of score JSON, for everything that consumes scores (demo, evaluation); in
 * the harness because the product writes scores and never reads them back.
 * Numbers that are null in the JSON (a warming-up record) are NaN here.
 */
public record ScoreRecord(String id, long ts, double score, double critic, double threshold, boolean anomaly,
                          boolean anomalous, double likelihood, double alarmScore, double alarmThreshold, String reason, String model,
                          String modelName, List<Contribution> topFeatures, boolean warmingUp, boolean late, Map<String, Double> expected) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry of {@code topFeatures}: a critic input and its share of the score. */
    public record Contribution(String feature, double contribution) {
    }

    /**
     * @param modelName the routed model's name ({@code modelName}), null from a scorer with routing.mode=none
     * @param expected the {@code expected} object (feature to the value the model expected, for models
     *                 with an encoder), in the JSON's order; empty when the field is absent
     */
    public ScoreRecord {
        topFeatures = List.copyOf(topFeatures);
        expected = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expected));
    }

    public static ScoreRecord parse(byte[] json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not a score record: " + e.getMessage(), e);
        }
        return new ScoreRecord(text(n, "id"), n.path("ts").asLong(), number(n, "score"), number(n, "critic"),
                number(n, "threshold"), n.path("anomaly").asBoolean(), n.path("anomalous").asBoolean(), number(n, "likelihood"), number(n, "alarmScore"),
                number(n, "alarmThreshold"), text(n, "reason"), text(n, "model"), text(n, "modelName"), contributions(n.path("topFeatures")),
                n.path("warmingUp").asBoolean(), n.path("late").asBoolean(), expected(n.path("expected")));
    }

    private static Map<String, Double> expected(JsonNode e) {
        Map<String, Double> out = new LinkedHashMap<>();
        e.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().isNull() ? Double.NaN : f.getValue().asDouble()));
        return out;
    }

    private static List<Contribution> contributions(JsonNode top) {
        List<Contribution> out = new ArrayList<>();
        for (JsonNode f : top) {
            out.add(new Contribution(text(f, "feature"), number(f, "contribution")));
        }
        return out;
    }

    /** The served {@code reason} of an alarm event, or null where {@code anomaly} is false. */
    public String alarmReason() {
        return anomaly ? reason : null;
    }

    /** Whether the record was scored (not warming up, not too late to place). */
    public boolean scored() {
        return !Double.isNaN(score);
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
