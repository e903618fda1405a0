package io.earthmover.eval;

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

    void start(List<double[]> historyRows, ModelBundle first) {
        start(historyRows, first, 0);
    }

    /** The first model serves from scored row {@code from} on; rows before it had no model and scored 0. */
    void start(List<double[]> historyRows, ModelBundle first, int from) {
        history.clear();
        historyRows.forEach(r -> history.add(r.clone()));
        swaps.add(new Swap(from, first));
        firstScored = from;
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
}
