package io.earthmover.train;

import io.earthmover.alarm.FeedbackLabel;
import io.earthmover.inspect.FeedbackMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Operators' feedback as a training run uses it (issue 23): a record marked {@code missed_anomaly}
 * is anomalous and left out of training; a record marked {@code false_alarm} is normal and kept
 * (nothing else in training would leave it out, so "kept" is what the report counts). The latest
 * label for a (key, id) wins, as on the topic. Records without an id cannot be matched and are kept.
 * Mutable: one per training run.
 */
public final class TrainingFeedback {
    private final Map<String, Map<String, FeedbackLabel>> labels = new HashMap<>();
    private long excluded;
    private long keptNormal;

    /** Feedback with no labels: every record is kept. */
    public static TrainingFeedback none() {
        return new TrainingFeedback();
    }

    /** The feedback of {@code messages}, in order (a later label for the same record replaces an earlier one). */
    public static TrainingFeedback of(List<FeedbackMessage> messages) {
        TrainingFeedback f = new TrainingFeedback();
        messages.forEach(f::add);
        return f;
    }

    /**
     * Feedback from a file of {@code anomaly-feedback} messages, one JSON object a line (blank lines
     * skipped); a malformed line is an error naming its number.
     */
    public static TrainingFeedback read(Path file) throws IOException {
        TrainingFeedback f = new TrainingFeedback();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                f.add(FeedbackMessage.parse(lines.get(i).getBytes(StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return f;
    }

    public void add(FeedbackMessage m) {
        labels.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.id(), m.label());
    }

    /** Records labelled. */
    public int size() {
        return labels.values().stream().mapToInt(Map::size).sum();
    }

    /**
     * Whether the record ({@code key}, {@code id}) stays in training; counts it as excluded (marked
     * anomalous) or kept as marked normal.
     */
    public boolean keep(String key, String id) {
        Map<String, FeedbackLabel> byId = labels.get(key == null ? "" : key);
        FeedbackLabel l = byId == null || id == null ? null : byId.get(id);
        if (l == FeedbackLabel.MISSED_ANOMALY) {
            excluded++;
            return false;
        }
        if (l == FeedbackLabel.FALSE_ALARM) {
            keptNormal++;
        }
        return true;
    }

    /** Records left out because an operator marked them anomalous. */
    public long excluded() {
        return excluded;
    }

    /** Records kept that an operator marked normal (a false alarm). */
    public long keptNormal() {
        return keptNormal;
    }
}
