package io.earthmover.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.earthmover.alarm.FeedbackLabel;
import java.io.IOException;

/**
 * One operator's word on one scored record, as {@code POST /api/feedback} takes it and the
 * {@code anomaly-feedback} topic carries it: {@code {"key":…,"id":…,"label":"false_alarm"|"missed_anomaly"}}
 * (the Kafka record's key is the record key, UTF-8).
 */
public record FeedbackMessage(String key, String id, FeedbackLabel label) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The message of {@code body}; an {@link IllegalArgumentException} names what is wrong with it. */
    public static FeedbackMessage parse(byte[] body) {
        JsonNode n;
        try {
            n = body == null ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON body");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object {\"key\":…,\"id\":…,\"label\":…}");
        }
        String key = text(n, "key");
        String id = text(n, "id");
        String label = text(n, "label");
        FeedbackLabel l = FeedbackLabel.parse(label).orElseThrow(() -> new IllegalArgumentException(
                "unknown label '" + label + "': false_alarm or missed_anomaly"));
        return new FeedbackMessage(key, id, l);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("missing field '" + field + "' (a non-empty string)");
        }
        return v.asText();
    }

    public byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", key).put("id", id).put("label", label.wire());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
