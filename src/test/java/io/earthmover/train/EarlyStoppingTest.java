package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    @Test
    void stopsAfterPatienceIterationsOfAFlatEstimate() {
        EarlyStopping e = new EarlyStopping(10);
        int stoppedAt = -1;
        for (int it = 1; it <= 100 && stoppedAt < 0; it++) {
            if (e.update(1.0)) {
                stoppedAt = it;
            }
        }
        // the first update sets the peak; ten more without progress stop it
        assertThat(stoppedAt).isEqualTo(11);
    }

    @Test
    void keepsGoingWhileTheSmoothedEstimateRisesOrFalls() {
        EarlyStopping rising = new EarlyStopping(10);
        EarlyStopping falling = new EarlyStopping(10);
        for (int it = 1; it <= 200; it++) {
            assertThat(rising.update(it)).isFalse();
            assertThat(falling.update(-it)).isFalse();
        }
        assertThat(rising.smoothed()).isGreaterThan(100);
    }

    @Test
    void patienceZeroNeverStops() {
        EarlyStopping e = new EarlyStopping(0);
        for (int it = 0; it < 1000; it++) {
            assertThat(e.update(0.5)).isFalse();
        }
    }
}
