package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantilesTest {
    @Test
    void interpolatesBetweenOrderStatistics() {
        double[] v = {4, 1, 3, 2};
        assertThat(Quantiles.of(v, 0.0)).isEqualTo(1.0);
        assertThat(Quantiles.of(v, 1.0)).isEqualTo(4.0);
        assertThat(Quantiles.of(v, 0.5)).isEqualTo(2.5);
    }

    @Test
    void rejectsEmptyInput() {
        assertThatThrownBy(() -> Quantiles.of(new double[0], 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
