package io.earthmover.harness.eval.skab;

/**
 * One SKAB experiment file.
 *
 * @param name e.g. {@code valve1/0.csv}
 * @param epochMillis the {@code datetime} column as UTC epoch milliseconds
 * @param rows the 8 sensor columns
 * @param anomaly the {@code anomaly} column (0/1)
 */
public record SkabExperiment(String name, long[] epochMillis, double[][] rows, int[] anomaly) {
    public int size() {
        return rows.length;
    }
}
