package io.earthmover.model;

/** TEMPORARY stand-in until the engine branch lands. */
public final class ScoreResult {
    public double critic;
    public double score;
    public boolean anomaly;
    public int topCount;
    public int[] topInput = new int[16];
    public double[] topContribution = new double[16];
}
