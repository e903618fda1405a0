package io.earthmover.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CalibrationTest {
    @Test
    void scoreIsFractionOfHoldoutAboveAndSmoothAtTheTails() {
        double[] h = TestBundles.holdout(1000, 1);
        Calibration c = Calibration.fit(h);
        double[] sorted = h.clone();
        java.util.Arrays.sort(sorted);
        // at the median about half the holdout lies above
        assertThat(c.score(sorted[499])).isBetween(0.49, 0.51);
        // empirical fraction above matches within one rank
        for (double v : new double[] {-1.5, -0.3, 0.7, 2.0}) {
            long above = java.util.Arrays.stream(h).filter(x -> x > v).count();
            assertThat(c.score(v)).isCloseTo(above / 1000.0, org.assertj.core.data.Offset.offset(1.5e-3));
        }
        // beyond the extremes: inside (0,1), continuous at the edge, still decreasing
        double min = sorted[0];
        double max = sorted[999];
        assertThat(c.score(min - 1e-9)).isCloseTo(c.score(min), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(c.score(min - 1)).isGreaterThan(c.score(min)).isLessThan(1.0);
        assertThat(c.score(min - 100)).isGreaterThan(c.score(min - 1)).isLessThanOrEqualTo(1.0);
        assertThat(c.score(max + 1)).isLessThan(c.score(max)).isGreaterThan(0.0);
        double prev = 2;
        for (double v = min - 3; v < max + 3; v += 0.01) {
            double s = c.score(v);
            assertThat(s).isLessThanOrEqualTo(prev);
            prev = s;
        }
    }

    @Test
    void largeHoldoutIsSummarisedByQuantileKnots() {
        Calibration c = Calibration.fit(TestBundles.holdout(20_000, 2));
        assertThat(c.values()).hasSize(Calibration.MAX_KNOTS);
        assertThat(c.score(0)).isBetween(0.48, 0.52);
        assertThat(Calibration.of(c.values(), c.cdf()).score(0.3)).isEqualTo(c.score(0.3));
    }
}
