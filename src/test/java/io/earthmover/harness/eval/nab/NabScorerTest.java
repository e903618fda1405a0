package io.earthmover.harness.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.earthmover.harness.eval.nab.NabScorer.ScoredSeries;
import io.earthmover.harness.eval.nab.NabScorer.ThresholdScore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NabScorerTest {
    private static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
    /** 100 rows: probation 15 rows, one window of 20 rows at rows 40..59. */
    private static final NabWindow WINDOW = new NabWindow(40, 59);

    private static NabSeries series(String name, int rows, List<NabWindow> windows) {
        List<String> ts = new ArrayList<>();
        long[] millis = new long[rows];
        for (int i = 0; i < rows; i++) {
            ts.add("t" + i);
            millis[i] = i * 60_000L;
        }
        return new NabSeries("cat/" + name + ".csv", ts, millis, new double[rows], windows);
    }

    private static ScoredSeries detections(NabSeries s, int... rows) {
        double[] scores = new double[s.rows()];
        for (int r : rows) {
            scores[r] = 1.0;
        }
        return new ScoredSeries(s, scores);
    }

    private static double fileScore(ScoredSeries ss, NabProfile p) {
        return NabScorer.scoreFile(ss, p, 1.0).score();
    }

    @Test
    void probationIsFifteenPercentCappedAt750Rows() {
        assertThat(NabScorer.probationaryLength(100)).isEqualTo(15);
        assertThat(NabScorer.probationaryLength(4999)).isEqualTo(749);
        assertThat(NabScorer.probationaryLength(20_000)).isEqualTo(750);
    }

    @Test
    void earlyHitInWindowEarnsFullTpWeightAndLateHitLittle() {
        NabSeries s = series("a", 100, List.of(WINDOW));
        double early = fileScore(detections(s, 40), STANDARD);
        double late = fileScore(detections(s, 59), STANDARD);
        assertThat(early).isCloseTo(STANDARD.tpWeight(), within(1e-12));
        double expectedLate = (2 / (1 + Math.exp(-5 * (1.0 / 20))) - 1) / (2 / (1 + Math.exp(-5.0)) - 1);
        assertThat(late).isCloseTo(expectedLate, within(1e-12)).isLessThan(early);
    }

    @Test
    void onlyTheBestDetectionOfAWindowCounts() {
        NabSeries s = series("a", 100, List.of(WINDOW));
        assertThat(fileScore(detections(s, 40, 50, 59), STANDARD))
                .isCloseTo(fileScore(detections(s, 40), STANDARD), within(1e-12));
    }

    @Test
    void missedWindowCostsFnWeight() {
        NabSeries s = series("a", 100, List.of(WINDOW));
        assertThat(fileScore(detections(s), STANDARD)).isEqualTo(-STANDARD.fnWeight());
        NabProfile lowFn = new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);
        assertThat(fileScore(detections(s), lowFn)).isEqualTo(-2.0);
    }

    @Test
    void falsePositiveBeforeAWindowCostsFullFpWeightAndJustAfterItLess() {
        NabSeries s = series("a", 100, List.of(WINDOW));
        double before = fileScore(detections(s, 20), STANDARD) + STANDARD.fnWeight();
        double justAfter = fileScore(detections(s, 60), STANDARD) + STANDARD.fnWeight();
        double farAfter = fileScore(detections(s, 99), STANDARD) + STANDARD.fnWeight();
        assertThat(before).isCloseTo(-STANDARD.fpWeight(), within(1e-12));
        assertThat(justAfter).isNegative().isGreaterThan(-0.5 * STANDARD.fpWeight());
        assertThat(farAfter).isLessThan(justAfter).isGreaterThanOrEqualTo(-STANDARD.fpWeight());
    }

    @Test
    void detectionsInTheProbationaryPeriodAreIgnored() {
        NabSeries s = series("a", 100, List.of(WINDOW));
        assertThat(fileScore(detections(s, 3, 14), STANDARD)).isEqualTo(-STANDARD.fnWeight());
        assertThat(NabScorer.scoreFile(detections(s, 3, 14), STANDARD, 1.0).fp()).isZero();
    }

    @Test
    void thresholdIsTheScoreThatMaximisesTheCorpusSum() {
        NabSeries a = series("a", 100, List.of(WINDOW));
        NabSeries b = series("b", 100, List.of());
        double[] sa = new double[100];
        Arrays.fill(sa, 0.1);
        sa[20] = 0.95; // false positive before the window
        sa[45] = 0.9; // hit a quarter into the window
        double[] sb = new double[100];
        Arrays.fill(sb, 0.2);
        List<ScoredSeries> corpus = List.of(new ScoredSeries(a, sa), new ScoredSeries(b, sb));

        ThresholdScore best = NabScorer.optimise(corpus, STANDARD);
        assertThat(best.threshold()).isEqualTo(0.9);
        double sum = NabScorer.scoreFile(corpus.get(0), STANDARD, 0.9).score()
                + NabScorer.scoreFile(corpus.get(1), STANDARD, 0.9).score();
        assertThat(best.score()).isCloseTo(sum, within(1e-12));

        // when false positives are dear, detecting nothing (threshold 1.1) wins
        NabProfile dearFp = new NabProfile("dear", 1.0, 20.0, 1.0);
        assertThat(NabScorer.optimise(corpus, dearFp).threshold()).isEqualTo(NabScorer.START_THRESHOLD);
    }

    @Test
    void tiedScoresFormOneThresholdCandidate() {
        NabSeries a = series("a", 100, List.of(WINDOW));
        double[] sa = new double[100];
        sa[45] = 0.7;
        sa[80] = 0.7;
        List<ThresholdScore> sweep = NabScorer.scoresByThreshold(List.of(new ScoredSeries(a, sa)), STANDARD);
        assertThat(sweep).extracting(ThresholdScore::threshold).containsExactly(NabScorer.START_THRESHOLD, 0.7, 0.0);
        assertThat(sweep.get(1).score()).isCloseTo(
                NabScorer.scoreFile(new ScoredSeries(a, sa), STANDARD, 0.7).score(), within(1e-12));
    }

    @Test
    void normalisationMapsNullToZeroAndPerfectToHundred() {
        assertThat(NabScorer.normalise(-116, -116, 116)).isZero();
        assertThat(NabScorer.normalise(116, -116, 116)).isEqualTo(100.0);
    }
}
