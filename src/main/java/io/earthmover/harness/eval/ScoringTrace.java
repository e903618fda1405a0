package io.earthmover.harness.eval;

import io.earthmover.model.ModelBundle;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link WganDetector} scored, so the same rows can be replayed through the Kafka scorer
 * and the scores compared: the raw rows the first window needs before the first scored row, each
 * scored row with its in-process score, and which model served from which scored row on.
 */
public final class ScoringTrace {
    /** Model {@code bundle} scored the rows from scored-row index {@code fromRow} on. */
    public record Swap(int fromRow, ModelBundle bundle) {
    }

    private final List<double[]> history = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();
    private final List<Double> scores = new ArrayList<>();
    private final List<Swap> swaps = new ArrayList<>();

    private int firstScored;
    private WganOutput output;

    /**
     * The first model serves from scored row {@code from} on; rows before it had no model and
     * scored 0. {@code output} is the detector's output mapping as it was before that row.
     */
    void start(List<double[]> historyRows, ModelBundle first, int from, WganOutput output) {
        history.clear();
        historyRows.forEach(r -> history.add(r.clone()));
        swaps.add(new Swap(from, first));
        firstScored = from;
        this.output = output.copy();
    }

    /** Index of the first scored row a model served (rows before it scored 0 without a model). */
    public int firstModelRow() {
        return firstScored;
    }

    void swap(ModelBundle next) {
        swaps.add(new Swap(rows.size(), next));
    }

    void scored(double[] row, double score) {
        rows.add(row.clone());
        scores.add(score);
    }

    /** Raw rows before the first scored row that its window needs, oldest first. */
    public List<double[]> history() {
        return List.copyOf(history);
    }

    /** Scored raw rows in order. */
    public List<double[]> rows() {
        return List.copyOf(rows);
    }

    public double[] scores() {
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public List<Swap> swaps() {
        return List.copyOf(swaps);
    }

    /**
     * The scores the detector's output mapping gives to the scorer's per-row output from another
     * path (Kafka): row i's calibrated score and critic value, mapped in order with the model that
     * served it, starting from the mapping's state before the first model's first row. Rows before
     * that score 0, as in-process.
     */
    public double[] outputs(double[] calibrated, double[] critic) {
        double[] out = new double[calibrated.length];
        if (swaps.isEmpty()) {
            return out;
        }
        WganOutput o = output.copy();
        int k = 0;
        for (int i = firstScored; i < out.length; i++) {
            while (k + 1 < swaps.size() && swaps.get(k + 1).fromRow() <= i) {
                k++;
            }
            out[i] = o.next(calibrated[i], critic[i], swaps.get(k).bundle());
        }
        return out;
    }
}
