package io.earthmover.harness.eval.nab;

import java.util.List;

/**
 * One NAB data file.
 *
 * @param relativePath e.g. {@code realKnownCause/nyc_taxi.csv}, the key of NAB's label files
 * @param timestamps the file's timestamp strings, as written
 * @param epochMillis the same timestamps as UTC epoch milliseconds
 * @param values the value column
 * @param windows its anomaly windows in time order
 */
public record NabSeries(String relativePath, List<String> timestamps, long[] epochMillis, double[] values,
        List<NabWindow> windows) {

    public String category() {
        int slash = relativePath.indexOf('/');
        return slash < 0 ? "" : relativePath.substring(0, slash);
    }

    /** File name without the category, e.g. {@code nyc_taxi.csv}. */
    public String fileName() {
        return relativePath.substring(relativePath.indexOf('/') + 1);
    }

    public int rows() {
        return values.length;
    }

    /** NAB's probationary period: min(floor(0.15·rows), 0.15·5000 = 750) rows. */
    public int probationaryRows() {
        return NabScorer.probationaryLength(rows());
    }

    public boolean inWindow(int row) {
        for (NabWindow w : windows) {
            if (w.contains(row)) {
                return true;
            }
        }
        return false;
    }
}
