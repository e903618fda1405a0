package io.earthmover.model;

/** TEMPORARY stand-in: critic = -||x - centre||, score = 1 - exp(-dist). */
public final class FastScorer {
    private final double[] centre;
    private final double threshold;
    private final int topK;

    FastScorer(double[] centre, double threshold, int topK) {
        this.centre = centre;
        this.threshold = threshold;
        this.topK = topK;
    }

    public void score(float[] in, ScoreResult out) {
        double d = 0;
        int best = 0;
        double bestC = -1;
        for (int i = 0; i < in.length; i++) {
            double c = (in[i] - centre[i]) * (in[i] - centre[i]);
            d += c;
            if (c > bestC) {
                bestC = c;
                best = i;
            }
        }
        d = Math.sqrt(d);
        out.critic = -d;
        out.score = 1 - Math.exp(-d);
        out.anomaly = out.score >= threshold;
        out.topCount = Math.min(topK, 1);
        out.topInput[0] = best;
        out.topContribution[0] = bestC;
    }
}
