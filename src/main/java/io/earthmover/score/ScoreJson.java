package io.earthmover.score;

import com.fasterxml.jackson.core.io.NumberOutput;
import io.earthmover.alarm.AlarmResult;
import io.earthmover.features.Featuriser;
import io.earthmover.model.ScoreResult;
import java.nio.charset.StandardCharsets;

/**
 * Writes one {@code anomaly-scores} value. Hand-written rather than through an ObjectMapper because
 * it runs once per record on the hot path; the field set is the README's contract. Not thread-safe:
 * one per processor.
 */
public final class ScoreJson {
    private final StringBuilder sb = new StringBuilder(256);

    /** A scored record. */
    public byte[] scored(String id, long ts, ScoreResult r, AlarmResult a, double threshold, String model, Featuriser f,
            long scoredAt, boolean late) {
        return scored(id, ts, r, a, threshold, model, f, scoredAt, late, null);
    }

    /**
     * A scored record; {@code expected} (raw feature values in schema order, or null) becomes the
     * {@code expected} object, feature name to the value the model expected.
     */
    public byte[] scored(String id, long ts, ScoreResult r, AlarmResult a, double threshold, String model, Featuriser f,
            long scoredAt, boolean late, double[] expected) {
        return scored(id, ts, r, a, threshold, model, null, f, scoredAt, late, expected);
    }

    /**
     * As above; {@code modelName} (the routed model's name, or null with routing.mode=none, where the
     * field is left out so a single-model scorer writes what it wrote before routing) becomes
     * {@code modelName}.
     */
    public byte[] scored(String id, long ts, ScoreResult r, AlarmResult a, double threshold, String model, String modelName,
            Featuriser f, long scoredAt, boolean late, double[] expected) {
        begin(id, ts);
        sb.append(",\"score\":");
        number(r.score);
        sb.append(",\"critic\":");
        number(r.critic);
        sb.append(",\"threshold\":");
        number(threshold);
        sb.append(",\"anomaly\":").append(a.anomaly);
        sb.append(",\"anomalous\":").append(a.anomalous);
        sb.append(",\"likelihood\":");
        number(a.likelihood);
        sb.append(",\"alarmScore\":");
        number(a.alarmScore);
        sb.append(",\"alarmThreshold\":");
        number(a.threshold);
        sb.append(",\"reason\":");
        if (a.reason == null) {
            sb.append("null");
        } else {
            string(a.reason.label());
        }
        model(model, modelName);
        sb.append(",\"topFeatures\":[");
        for (int i = 0; i < r.topCount; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"feature\":");
            string(f.inputName(r.topInput[i]));
            sb.append(",\"contribution\":");
            number(r.topContribution[i]);
            sb.append('}');
        }
        sb.append(']');
        if (expected != null) {
            sb.append(",\"expected\":{");
            java.util.List<String> names = f.schema().recordNames();
            for (int j = 0; j < expected.length; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                string(names.get(j));
                sb.append(':');
                number(expected[j]);
            }
            sb.append('}');
        }
        sb.append(",\"scoredAt\":").append(scoredAt);
        sb.append(",\"warmingUp\":false");
        if (late) {
            sb.append(",\"late\":true");
        }
        sb.append('}');
        return bytes();
    }

    /** A record that could not be scored yet: its key's window is filling up, or it came too late to place. */
    public byte[] unscored(String id, long ts, double threshold, String model, long scoredAt, boolean late) {
        return unscored(id, ts, threshold, model, null, scoredAt, late);
    }

    /** As above, with the routed model's name (null: no {@code modelName} field). */
    public byte[] unscored(String id, long ts, double threshold, String model, String modelName, long scoredAt, boolean late) {
        begin(id, ts);
        sb.append(",\"score\":null,\"critic\":null,\"threshold\":");
        number(threshold);
        sb.append(",\"anomaly\":false,\"anomalous\":false,\"likelihood\":null,\"alarmScore\":null,\"alarmThreshold\":null,\"reason\":null");
        model(model, modelName);
        sb.append(",\"topFeatures\":[],\"scoredAt\":").append(scoredAt);
        sb.append(",\"warmingUp\":").append(!late);
        if (late) {
            sb.append(",\"late\":true");
        }
        sb.append('}');
        return bytes();
    }

    /** The model's version and, routed, its name. */
    private void model(String version, String modelName) {
        sb.append(",\"model\":");
        string(version);
        if (modelName != null) {
            sb.append(",\"modelName\":");
            string(modelName);
        }
    }

    private void begin(String id, long ts) {
        sb.setLength(0);
        sb.append("{\"id\":");
        if (id == null) {
            sb.append("null");
        } else {
            string(id);
        }
        sb.append(",\"ts\":").append(ts);
    }

    private byte[] bytes() {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void number(double d) {
        if (Double.isFinite(d)) {
            // Schubfach (Jackson's copy of the algorithm Java 19's Double.toString uses): the shortest
            // decimal that reads back as d, in Double.toString's format. Java 17's own appender was
            // 8 % of the scoring thread's samples; both texts read back as the same double
            sb.append(NumberOutput.toString(d, true));
        } else {
            sb.append("null");
        }
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    // a lone surrogate (legal in a JSON string as an escape) is echoed as that escape:
                    // encoding it to UTF-8 would silently turn it into '?'
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                    if (c < 0x20 || (Character.isSurrogate(c) && !pair)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else if (pair) {
                        sb.append(c).append(s.charAt(++i));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
