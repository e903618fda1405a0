package io.earthmover.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SquashTest {

    @Test
    void asinhIsNearlyLinearNearZeroAndLogarithmicInTheTails() {
        Squash s = Squash.ASINH;
        assertThat(s.apply(0)).isEqualTo(0.0);
        assertThat(s.apply(0.1)).isCloseTo(0.1, within(2e-4));
        // 25,000 scale units (a CPU burst over an IQR of 0.004) becomes about 10.8
        assertThat(s.apply(25_000)).isCloseTo(Math.log(50_000), within(1e-6));
        assertThat(s.apply(-25_000)).isEqualTo(-s.apply(25_000));
        assertThat(s.apply(3)).isLessThan(s.apply(3.5));
    }

    @Test
    void invertUndoesApplyForBothSquashes() {
        for (double v : new double[] {-1e6, -30, -1, -1e-9, 0, 0.5, 2, 40, 1e8}) {
            assertThat(Squash.ASINH.invert(Squash.ASINH.apply(v))).isCloseTo(v, within(1e-9 * Math.max(1, Math.abs(v))));
            assertThat(Squash.NONE.invert(Squash.NONE.apply(v))).isEqualTo(v);
        }
    }

    @Test
    void namesParseAsInConfigurationAndAMissingNameIsNone() {
        assertThat(Squash.of("asinh")).isEqualTo(Squash.ASINH);
        assertThat(Squash.of("none")).isEqualTo(Squash.NONE);
        assertThat(Squash.of(null)).isEqualTo(Squash.NONE);
        assertThat(Squash.ASINH.configName()).isEqualTo("asinh");
        assertThatThrownBy(() -> Squash.of("log")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown squash 'log'");
    }
}
