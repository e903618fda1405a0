package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZScoreDetectorTest {
    @Test
    void scoresTheLargestFeatureZAgainstThePreviousWindowOnly() {
        ZScoreDetector d = new ZScoreDetector(10, true);
        // ten rows alternating 0 and 2 in feature 0: mean 1, population std 1; feature 1 constant 5
        for (int i = 0; i < 10; i++) {
            d.score(i, new double[] {i % 2 == 0 ? 0 : 2, 5});
        }
        double z = 4.0; // (5 - 1) / 1
        assertThat(d.score(10, new double[] {5, 5})).isCloseTo(z / (z + ZScoreDetector.HALF_SCORE_Z), within(1e-12));
    }

    @Test
    void scoresZeroUntilEnoughHistory() {
        ZScoreDetector d = new ZScoreDetector(20, true);
        assertThat(d.score(0, new double[] {1e9})).isZero();
    }

    @Test
    void frozenDetectorUsesTrainingMeanAndStd() {
        ZScoreDetector d = new ZScoreDetector(10, false);
        d.train(List.of(new double[] {0}, new double[] {2}));
        assertThat(d.score(0, new double[] {4})).isCloseTo(3.0 / (3.0 + ZScoreDetector.HALF_SCORE_Z), within(1e-12));
        assertThat(d.score(1, new double[] {4})).as("frozen: no learning")
                .isCloseTo(3.0 / (3.0 + ZScoreDetector.HALF_SCORE_Z), within(1e-12));
    }
}
