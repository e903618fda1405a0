package io.earthmover.features;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlowFeaturesTest {
    /** Feature 0 an AR(1) with coefficient {@code phi}, feature 1 white noise, feature 2 constant. */
    private static double[][] series(int n, double phi, double offset, Random r) {
        double[][] rows = new double[n][];
        double slow = 0;
        for (int t = 0; t < n; t++) {
            slow = phi * slow + r.nextGaussian();
            rows[t] = new double[] {offset + slow, r.nextGaussian(), 5};
        }
        return rows;
    }

    @Test
    void marksASlowlyWanderingFeatureAndNeitherNoiseNorAConstant() {
        boolean[] marks = SlowFeatures.of(List.<double[][]>of(series(400, 0.99, 0, new Random(1))), FeatureSchema.positional(3));
        assertThat(marks).containsExactly(true, false, false);
    }

    @Test
    void aModeratelyCorrelatedFeatureKeepsItsLevel() {
        // AR(1) with 0.7: lag-1 autocorrelation about 0.7, below the rule's 0.9
        double rho = SlowFeatures.autocorrelation(List.<double[][]>of(series(5000, 0.7, 0, new Random(2))), 0);
        assertThat(rho).isBetween(0.65, 0.75);
        assertThat(SlowFeatures.of(List.<double[][]>of(series(5000, 0.7, 0, new Random(2))), FeatureSchema.positional(3))[0]).isFalse();
    }

    @Test
    void shortWindowsOfASeriesGiveWhatTheWholeSeriesGives() {
        // the trainer sees windows of a few records in random order, not whole series
        double[][] whole = series(20_000, 0.95, 0, new Random(3));
        List<double[][]> windows = new ArrayList<>();
        for (int t = 0; t + 3 <= whole.length; t += 2) {
            windows.add(Arrays.copyOfRange(whole, t, t + 3));
        }
        Collections.shuffle(windows, new Random(4));
        double fromWhole = SlowFeatures.autocorrelation(List.<double[][]>of(whole), 0);
        assertThat(fromWhole).isBetween(0.93, 0.97);
        assertThat(SlowFeatures.autocorrelation(windows, 0)).isCloseTo(fromWhole, within(0.02));
        assertThat(SlowFeatures.of(windows, FeatureSchema.positional(3))).containsExactly(true, false, false);
    }

    @Test
    void aHighLevelWithASmallSpreadGivesWhatTheSameMovesAroundZeroGive() {
        // a level of a million and movements of a hundredth: the variance must not vanish in cancellation
        double[][] low = series(5000, 0.95, 0, new Random(7));
        double[][] high = new double[low.length][];
        for (int t = 0; t < low.length; t++) {
            high[t] = new double[] {1e6 + 0.01 * low[t][0], low[t][1], low[t][2]};
        }
        double atZero = SlowFeatures.autocorrelation(List.<double[][]>of(low), 0);
        assertThat(SlowFeatures.autocorrelation(List.<double[][]>of(high), 0)).isCloseTo(atZero, within(1e-6));
    }

    @Test
    void derivedTimeOfDayFeaturesAreNeverMarked() {
        FeatureSchema schema = FeatureSchema.positional(1).withTimeOfDay(true);
        double[][] rows = new double[500][];
        for (int t = 0; t < 500; t++) {
            double a = 2 * Math.PI * t / 500.0; // a smooth clock: autocorrelation near 1
            rows[t] = new double[] {t, Math.sin(a), Math.cos(a)};
        }
        assertThat(SlowFeatures.of(List.<double[][]>of(rows), schema)).containsExactly(true, false, false);
    }
}
