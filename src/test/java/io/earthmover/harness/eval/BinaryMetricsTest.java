package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
    @Test
    void computesF1FarAndMarFromCounts() {
        boolean[] pred = {true, true, false, false, true, false};
        int[] labels = {1, 0, 1, 0, 1, 0};
        BinaryMetrics m = BinaryMetrics.of(pred, labels);
        assertThat(m).isEqualTo(new BinaryMetrics(2, 1, 2, 1));
        assertThat(m.f1()).isCloseTo(4.0 / 6.0, within(1e-12)); // 2tp / (2tp + fp + fn)
        assertThat(m.farPercent()).isCloseTo(100.0 / 3, within(1e-12));
        assertThat(m.marPercent()).isCloseTo(100.0 / 3, within(1e-12));
    }

    @Test
    void addsCountsAcrossFiles() {
        assertThat(new BinaryMetrics(1, 2, 3, 4).plus(new BinaryMetrics(10, 20, 30, 40)))
                .isEqualTo(new BinaryMetrics(11, 22, 33, 44));
    }
}
