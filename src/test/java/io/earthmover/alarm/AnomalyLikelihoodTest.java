package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyLikelihoodTest {
    private static final double RED = 0.5;

    @Test
    void scoresLikelihoodOneHalfWhileLearningAndEstimating() {
        AnomalyLikelihood l = new AnomalyLikelihood(100, 50);
        Random r = new Random(1);
        for (int i = 0; i < 150; i++) {
            assertThat(l.next(i == 120 ? 1e6 : r.nextGaussian())).isEqualTo(AnomalyLikelihood.PROBATION_SCORE);
        }
        // nupic's computeLogLikelihood(0.5)
        assertThat(AnomalyLikelihood.PROBATION_SCORE).isCloseTo(Math.log(0.5) / Math.log(1e-10), within(1e-9));
        assertThat(l.next(0.0)).isNotEqualTo(AnomalyLikelihood.PROBATION_SCORE);
    }

    @Test
    void stationaryNoiseAlmostNeverReachesTheRedLevel() {
        AnomalyLikelihood l = new AnomalyLikelihood(500, 500);
        Random r = new Random(2);
        int red = 0;
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            double s = l.next(r.nextGaussian());
            assertThat(s).isBetween(0.0, 1.0);
            if (i >= 1000 && s >= RED) {
                red++;
            }
        }
        assertThat(red).as("red alarms on pure noise").isLessThanOrEqualTo(5);
    }

    @Test
    void aLastingShiftAlarmsOnceWithinTheAveragingWindowThenDropsToYellow() {
        Random r = new Random(3);
        AnomalyLikelihood l = afterNoise(3000, r);
        double[] after = new double[30];
        for (int i = 0; i < after.length; i++) {
            after[i] = l.next(8 + r.nextGaussian());
        }
        int first = -1;
        int reds = 0;
        for (int i = 0; i < after.length; i++) {
            if (after[i] >= RED) {
                reds++;
                first = first < 0 ? i : first;
            }
        }
        assertThat(first).as("first red row after the shift").isBetween(0, AnomalyLikelihood.DEFAULT_AVERAGING_WINDOW - 1);
        assertThat(reds).as("red rows while the shift lasts: the filter keeps one").isEqualTo(1);
        // the rows after it sit at nupic's yellow level, log(1e-3)/log(1e-10) = 0.3
        assertThat(after[first + 1]).isCloseTo(0.3, within(1e-6));
    }

    @Test
    void aDropAlsoAlarmsAsInNupicWhoseTailIsTwoSided() {
        Random r = new Random(4);
        AnomalyLikelihood l = afterNoise(3000, r);
        double max = 0;
        for (int i = 0; i < 10; i++) {
            max = Math.max(max, l.next(-8 + r.nextGaussian()));
        }
        assertThat(max).isGreaterThanOrEqualTo(RED);
    }

    @Test
    void followsALevelItHasLivedWithForAHistoricWindow() {
        AnomalyLikelihood l = new AnomalyLikelihood(100, 100, 2000, 10, 100);
        Random r = new Random(5);
        for (int i = 0; i < 1000; i++) {
            l.next(r.nextGaussian());
        }
        for (int i = 0; i < 3000; i++) {
            l.next(5 + r.nextGaussian());
        }
        // the old level has left the 2,000-score history: the new one is normal now
        int red = 0;
        for (int i = 0; i < 2000; i++) {
            red += l.next(5 + r.nextGaussian()) >= RED ? 1 : 0;
        }
        assertThat(red).isLessThanOrEqualTo(1);
    }

    @Test
    void aCopyContinuesIdenticallyAndIndependently() {
        AnomalyLikelihood a = new AnomalyLikelihood(50, 50);
        Random r = new Random(6);
        for (int i = 0; i < 400; i++) {
            a.next(r.nextGaussian());
        }
        AnomalyLikelihood b = a.copy();
        double[] xs = new double[300];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i == 150 ? 9 : r.nextGaussian();
        }
        for (double x : xs) {
            assertThat(b.next(x)).isEqualTo(a.next(x));
        }
        AnomalyLikelihood c = a.copy();
        for (int i = 0; i < 50; i++) {
            c.next(20);
        }
        AnomalyLikelihood d = a.copy();
        assertThat(a.next(0.1)).isEqualTo(d.next(0.1));
    }

    @Test
    void refusesBadSettingsAndNonFiniteScores() {
        assertThatThrownBy(() -> new AnomalyLikelihood(-1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnomalyLikelihood(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnomalyLikelihood(10, 10, 10, 10, 100)).isInstanceOf(IllegalArgumentException.class);
        AnomalyLikelihood l = new AnomalyLikelihood(1, 1);
        assertThatThrownBy(() -> l.next(Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    /** A likelihood (learning 500, estimating on 500) that has seen {@code n} standard normal scores. */
    private static AnomalyLikelihood afterNoise(int n, Random r) {
        AnomalyLikelihood l = new AnomalyLikelihood(500, 500);
        for (int i = 0; i < n; i++) {
            l.next(r.nextGaussian());
        }
        return l;
    }
}
