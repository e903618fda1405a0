package io.earthmover.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SquashTest {

    @Test
    void asinhIsNearlyLinearNearZeroAndLogarithmicInTheTails() {
                assertThat(Squash.apply(0)).isEqualTo(0.0);
        assertThat(Squash.apply(0.1)).isCloseTo(0.1, within(2e-4));
        // 25,000 scale units (a CPU burst over an IQR of 0.004) becomes about 10.8
        assertThat(Squash.apply(25_000)).isCloseTo(Math.log(50_000), within(1e-6));
        assertThat(Squash.apply(-25_000)).isEqualTo(-Squash.apply(25_000));
        assertThat(Squash.apply(3)).isLessThan(Squash.apply(3.5));
    }

    @Test
    void invertUndoesApply() {
        for (double v : new double[] {-1e6, -30, -1, -1e-9, 0, 0.5, 2, 40, 1e8}) {
            assertThat(Squash.invert(Squash.apply(v))).isCloseTo(v, within(1e-9 * Math.max(1, Math.abs(v))));
        }
    }

    @Test
    void autoSquashesOnlyAFeatureWhoseTrainingValuesReachBeyondTenScaleUnits() {
        java.util.Random r = new java.util.Random(2);
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // feature 0 Gaussian; feature 1 idle with one burst in 200, 1000 noise widths high
            double burst = r.nextInt(200) == 0 ? 1000 : 0;
            rows.add(new double[] {r.nextGaussian(), 0.1 + 0.01 * r.nextGaussian() + 0.01 * burst});
        }
        for (String kind : java.util.List.of("standard", "robust")) {
            Normaliser n = Normaliser.fit(kind, rows);
            assertThat(Squash.AUTO.features(n, rows)).as(kind).containsExactly(false, true);
            assertThat(Squash.ASINH.features(n, rows)).as(kind).containsExactly(true, true);
            assertThat(Squash.NONE.features(n, rows)).as(kind).containsExactly(false, false);
        }
    }

    @Test
    void namesParseAsInConfigurationAndAMissingNameIsNone() {
        assertThat(Squash.of("asinh")).isEqualTo(Squash.ASINH);
        assertThat(Squash.of("none")).isEqualTo(Squash.NONE);
        assertThat(Squash.of(null)).isEqualTo(Squash.NONE);
        assertThat(Squash.of("AUTO")).isEqualTo(Squash.AUTO);
        assertThat(Squash.ASINH.configName()).isEqualTo("asinh");
        assertThatThrownBy(() -> Squash.of("log")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown squash 'log'");
    }
}
