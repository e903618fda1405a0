package io.earthmover.features;

import static org.assertj.core.api.Assertions.assertThat;

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
    void eachSeriesIsCentredOnItsOwnMeanSoKeysAtDifferentLevelsAreNotSlow() {
        // two keys of white noise at levels 0 and 1000: pooled around one mean they would look perfectly correlated
        Random r = new Random(3);
        double[][] low = new double[300][];
        double[][] high = new double[300][];
        for (int t = 0; t < 300; t++) {
            low[t] = new double[] {r.nextGaussian()};
            high[t] = new double[] {1000 + r.nextGaussian()};
        }
        assertThat(SlowFeatures.autocorrelation(List.of(low, high), 0)).isLessThan(0.2);
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
