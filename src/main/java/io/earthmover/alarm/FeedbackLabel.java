package io.earthmover.alarm;

import java.util.Locale;
import java.util.Optional;

/** What an operator says about a scored record ({@code anomaly-feedback}, {@code POST /api/feedback}). */
public enum FeedbackLabel {
    /** The record alarmed and should not have: its key's threshold is raised. */
    FALSE_ALARM,
    /** The record should have alarmed: its key's raise, if any, is dropped. */
    MISSED_ANOMALY;

    /** The label as written on the wire: {@code false_alarm}, {@code missed_anomaly}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<FeedbackLabel> parse(String wire) {
        for (FeedbackLabel l : values()) {
            if (l.wire().equals(wire)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
