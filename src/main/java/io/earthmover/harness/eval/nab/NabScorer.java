package io.earthmover.harness.eval.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NAB's scorer, following numenta/NAB v1.1 ({@code nab/sweeper.py}, {@code nab/optimizer.py},
 * {@code nab/scorer.py}, {@code nab/runner.py#normalize}):
 *
 * <ul>
 *   <li>Each row gets a sweep weight: inside a window of width w with right edge r, row i gets
 *       S(−(r − i + 1)/w)·tpWeight/S(−1); outside, after a window (right edge r, width w) it gets
 *       S(|r − i|/(w − 1))·fpWeight, before any window −fpWeight; S(p) = 2·sigmoid(−5p) − 1,
 *       and −1 for p &gt; 3.</li>
 *   <li>Rows of the probationary period (min(floor(0.15·rows), 750)) are dropped.</li>
 *   <li>At a threshold t every remaining row with score ≥ t is a detection; each window starts at
 *       −fnWeight and takes the largest weight of its detections; detections outside windows add
 *       their weights. A window counts only if it has a row after the probationary period.</li>
 *   <li>The corpus threshold is found by sweeping all distinct scores of the corpus from the top
 *       (starting at 1.1, no detections) and keeping the first best sum.</li>
 *   <li>Normalised score = 100·(raw − null)/(perfect − null), perfect = tpWeight × windows in the
 *       label file, null = the null detector's (constant 0.5) optimised raw score.</li>
 * </ul>
 */
public final class NabScorer {
    /** NAB's probationary fraction and the row count it caps (0.15 × 5000 = 750 rows). */
    public static final double PROBATION_FRACTION = 0.15;
    public static final int PROBATION_CAP_ROWS = 5000;
    /** NAB's first threshold: above every score, so nothing is detected. */
    public static final double START_THRESHOLD = 1.1;
    /** The null detector's constant score. */
    public static final double NULL_SCORE = 0.5;

    private NabScorer() {
    }

    /** Scores of one series, one per row (probationary rows included; they are ignored). */
    public record ScoredSeries(NabSeries series, double[] scores) {
        public ScoredSeries {
            if (scores.length != series.rows()) {
                throw new IllegalArgumentException(series.relativePath() + ": " + scores.length
                        + " scores for " + series.rows() + " rows");
            }
        }
    }

    public record ThresholdScore(double threshold, double score) {
    }

    /** A file's score at the corpus threshold; counts are over rows after the probationary period. */
    public record FileScore(String file, double score, int tp, int tn, int fp, int fn, int totalRows) {
    }

    /** One profile's result for one detector. */
    public record ProfileResult(NabProfile profile, double threshold, double rawScore, double nullRawScore,
            double perfectScore, double normalisedScore, List<FileScore> files) {
    }

    public static int probationaryLength(int rows) {
        return (int) Math.min(Math.floor(PROBATION_FRACTION * rows), PROBATION_FRACTION * PROBATION_CAP_ROWS);
    }

    /** S(p) = 2·sigmoid(−5p) − 1 for p ≤ 3, else −1. */
    public static double scaledSigmoid(double position) {
        if (position > 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * position)) - 1.0;
    }

    /** Per-row sweep weights of a series for a profile (NAB's calcSweepScore). */
    public static double[] sweepWeights(NabSeries s, NabProfile p) {
        double maxTp = scaledSigmoid(-1.0);
        double[] w = new double[s.rows()];
        int next = 0;
        NabWindow cur = null;
        NabWindow prev = null;
        List<NabWindow> windows = s.windows();
        for (int i = 0; i < w.length; i++) {
            if (cur == null && next < windows.size() && windows.get(next).start() == i) {
                cur = windows.get(next++);
            }
            if (cur != null) {
                double pos = -(cur.end() - i + 1) / (double) cur.width();
                w[i] = scaledSigmoid(pos) * p.tpWeight() / maxTp;
            } else if (prev == null) {
                w[i] = -1.0 * p.fpWeight();
            } else {
                double pos = Math.abs(prev.end() - i) / (double) (prev.width() - 1);
                w[i] = scaledSigmoid(pos) * p.fpWeight();
            }
            if (cur != null && i == cur.end()) {
                prev = cur;
                cur = null;
            }
        }
        return w;
    }

    /** Window index (within the series) of every row, −1 outside windows. */
    static int[] windowOfRow(NabSeries s) {
        int[] out = new int[s.rows()];
        Arrays.fill(out, -1);
        for (int k = 0; k < s.windows().size(); k++) {
            NabWindow win = s.windows().get(k);
            for (int i = win.start(); i <= win.end(); i++) {
                out[i] = k;
            }
        }
        return out;
    }

    /**
     * The corpus score at every candidate threshold, from {@value #START_THRESHOLD} down through each
     * distinct score (NAB's calcScoreByThreshold over the concatenated corpus).
     */
    public static List<ThresholdScore> scoresByThreshold(List<ScoredSeries> corpus, NabProfile p) {
        int n = 0;
        for (ScoredSeries ss : corpus) {
            n += ss.series().rows() - probationaryLength(ss.series().rows());
        }
        double[] score = new double[n];
        double[] weight = new double[n];
        int[] window = new int[n];
        int windowBase = 0;
        int k = 0;
        List<Boolean> scorable = new ArrayList<>();
        for (ScoredSeries ss : corpus) {
            NabSeries s = ss.series();
            double[] w = sweepWeights(s, p);
            int[] wr = windowOfRow(s);
            for (int j = 0; j < s.windows().size(); j++) {
                scorable.add(false);
            }
            for (int i = probationaryLength(s.rows()); i < s.rows(); i++) {
                score[k] = ss.scores()[i];
                weight[k] = w[i];
                window[k] = wr[i] < 0 ? -1 : windowBase + wr[i];
                if (window[k] >= 0) {
                    scorable.set(window[k], true);
                }
                k++;
            }
            windowBase += s.windows().size();
        }
        double[] part = new double[windowBase];
        double total = 0.0;
        for (int j = 0; j < windowBase; j++) {
            if (scorable.get(j)) {
                part[j] = -p.fnWeight();
                total += part[j];
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        List<ThresholdScore> out = new ArrayList<>();
        double cur = START_THRESHOLD;
        for (int idx : order) {
            if (score[idx] != cur) {
                out.add(new ThresholdScore(cur, total));
                cur = score[idx];
            }
            int win = window[idx];
            if (win < 0) {
                total += weight[idx];
            } else if (weight[idx] > part[win]) {
                total += weight[idx] - part[win];
                part[win] = weight[idx];
            }
        }
        out.add(new ThresholdScore(cur, total));
        return out;
    }

    /** The threshold with the best corpus score; among equal scores the highest threshold (NAB's stable sort). */
    public static ThresholdScore optimise(List<ScoredSeries> corpus, NabProfile p) {
        ThresholdScore best = null;
        for (ThresholdScore t : scoresByThreshold(corpus, p)) {
            if (best == null || t.score() > best.score()) {
                best = t;
            }
        }
        return best;
    }

    /** One file's score when every row after the probationary period with score ≥ threshold is a detection. */
    public static FileScore scoreFile(ScoredSeries ss, NabProfile p, double threshold) {
        NabSeries s = ss.series();
        double[] w = sweepWeights(s, p);
        int[] wr = windowOfRow(s);
        double[] part = new double[s.windows().size()];
        boolean[] scorable = new boolean[part.length];
        double fpSum = 0.0;
        int tp = 0;
        int tn = 0;
        int fp = 0;
        int fn = 0;
        for (int i = probationaryLength(s.rows()); i < s.rows(); i++) {
            boolean detected = ss.scores()[i] >= threshold;
            int win = wr[i];
            if (win >= 0 && !scorable[win]) {
                scorable[win] = true;
                part[win] = -p.fnWeight();
            }
            if (win >= 0) {
                if (detected) {
                    tp++;
                    part[win] = Math.max(part[win], w[i]);
                } else {
                    fn++;
                }
            } else if (detected) {
                fp++;
                fpSum += w[i];
            } else {
                tn++;
            }
        }
        double total = fpSum;
        for (int j = 0; j < part.length; j++) {
            if (scorable[j]) {
                total += part[j];
            }
        }
        return new FileScore(s.relativePath(), total, tp, tn, fp, fn, s.rows());
    }

    /** The null detector's optimised raw score for a profile. */
    public static double nullRawScore(List<NabSeries> series, NabProfile p) {
        List<ScoredSeries> nulls = new ArrayList<>();
        for (NabSeries s : series) {
            double[] c = new double[s.rows()];
            Arrays.fill(c, NULL_SCORE);
            nulls.add(new ScoredSeries(s, c));
        }
        return optimise(nulls, p).score();
    }

    public static double normalise(double raw, double nullRaw, double perfect) {
        return 100.0 * (raw - nullRaw) / (perfect - nullRaw);
    }

    /** Optimises the threshold, scores every file at it and normalises, for one profile. */
    public static ProfileResult score(NabCorpus corpus, List<ScoredSeries> results, NabProfile p) {
        ThresholdScore best = optimise(results, p);
        List<FileScore> files = new ArrayList<>();
        double raw = 0.0;
        for (ScoredSeries ss : results) {
            FileScore f = scoreFile(ss, p, best.threshold());
            files.add(f);
            raw += f.score();
        }
        double nullRaw = nullRawScore(corpus.series(), p);
        double perfect = p.tpWeight() * corpus.windowCount();
        return new ProfileResult(p, best.threshold(), raw, nullRaw, perfect, normalise(raw, nullRaw, perfect),
                List.copyOf(files));
    }

    /** All profiles of the corpus. */
    public static List<ProfileResult> scoreAll(NabCorpus corpus, List<ScoredSeries> results) {
        List<ProfileResult> out = new ArrayList<>();
        for (NabProfile p : corpus.profiles()) {
            out.add(score(corpus, results, p));
        }
        return out;
    }
}
