package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.earthmover.harness.eval.RankMetrics.PrPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankMetricsTest {
    // hand-checked: anomalies score 0.35 and 0.8, normals 0.1 and 0.4
    private static final double[] SCORES = {0.1, 0.4, 0.35, 0.8};
    private static final int[] LABELS = {0, 0, 1, 1};

    @Test
    void rocAucCountsCorrectlyOrderedPairs() {
        // pairs (anomaly, normal): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
        assertThat(RankMetrics.rocAuc(SCORES, LABELS)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void averagePrecisionSumsPrecisionAtEachRecallStep() {
        // 0.8 -> P 1, R 1/2; 0.4 -> P 1/2, R 1/2; 0.35 -> P 2/3, R 1 => 1/2*1 + 1/2*2/3
        assertThat(RankMetrics.averagePrecision(SCORES, LABELS)).isCloseTo(0.5 + 1.0 / 3, within(1e-12));
    }

    @Test
    void tiesCountHalfInRocAndEnterTogetherInPr() {
        double[] s = {0.5, 0.5, 0.5, 0.5};
        int[] l = {1, 0, 0, 0};
        assertThat(RankMetrics.rocAuc(s, l)).isCloseTo(0.5, within(1e-12));
        assertThat(RankMetrics.averagePrecision(s, l)).isCloseTo(0.25, within(1e-12));
        assertThat(RankMetrics.prCurve(s, l)).containsExactly(new PrPoint(0.5, 1.0, 0.25));
    }

    @Test
    void perfectRankingScoresOneAndReversedZero() {
        double[] s = {0.9, 0.8, 0.2, 0.1};
        int[] l = {1, 1, 0, 0};
        assertThat(RankMetrics.rocAuc(s, l)).isEqualTo(1.0);
        assertThat(RankMetrics.averagePrecision(s, l)).isEqualTo(1.0);
        assertThat(RankMetrics.rocAuc(s, new int[] {0, 0, 1, 1})).isEqualTo(0.0);
    }

    @Test
    void prCurveGoesFromHighToLowThresholds() {
        List<PrPoint> c = RankMetrics.prCurve(SCORES, LABELS);
        assertThat(c).extracting(PrPoint::threshold).containsExactly(0.8, 0.4, 0.35, 0.1);
        assertThat(c.get(c.size() - 1).recall()).isEqualTo(1.0);
        assertThat(c.get(c.size() - 1).precision()).isEqualTo(0.5);
    }

    @Test
    void rejectsSingleClassLabels() {
        assertThatThrownBy(() -> RankMetrics.rocAuc(new double[] {1, 2}, new int[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
