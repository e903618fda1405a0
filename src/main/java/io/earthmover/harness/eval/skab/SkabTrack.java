package io.earthmover.harness.eval.skab;

/** The two SKAB tracks. */
public enum SkabTrack {
    /** Leaderboard protocol: train on each file's first 400 rows only. */
    OUTLIER("outlier (first 400 rows)"),
    /** Also train on anomaly-free.csv, streamed before the file's first 400 rows. */
    WITH_ANOMALY_FREE("outlier + anomaly-free.csv");

    private final String label;

    SkabTrack(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
