package io.earthmover.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.train.MlpInit;
import org.junit.jupiter.api.Test;

/** The gemm FLOP count behind `bench train`'s GFLOP/s and share of peak, against hand counts. */
class TrainingBenchmarkFlopsTest {

    @Test
    void criticStepCountsEveryMatrixProductOfTheStep() {
        // critic 2-3-1, generator 1-4-2, batch 5
        int[] c = {2, 3, 1};
        int[] g = {1, 4, 2};
        long b = 5;
        long gen = 1 * 4 + 4 * 2;      // 12 multiply-adds per row
        long all = 2 * 3 + 3 * 1;      // 9: critic input to output
        long deep = 3 * 1;             // 3: critic layers after the first (deltas not sent to the input)
        long noLast = 2 * 3;           // 6: critic without its last layer (penalty adjoint)
        long macsPerRow = gen          // generator forward
                + 2 * all              // forward, real + fake
                + 2 * all              // weight gradients, real + fake
                + 2 * deep             // deltas, real + fake
                + all                  // forward at the interpolates
                + all                  // input gradient
                + all                  // penalty weight gradients
                + noLast;              // penalty adjoint
        assertThat(TrainingBenchmark.criticStepFlops(c, g, (int) b)).isEqualTo(2 * b * macsPerRow);
    }

    @Test
    void generatorStepIsThreeGeneratorAndTwoCriticPasses() {
        int[] c = {2, 3, 1};
        int[] g = {1, 4, 2};
        assertThat(TrainingBenchmark.generatorStepFlops(c, g, 5)).isEqualTo(2L * 5 * (3 * 12 + 2 * 9));
    }

    @Test
    void theLargeReferenceIterationIsAbout36Gflop() {
        // bench train's defaults: 32 features, latent 16, 256-256 both, batch 4096, 5 critic steps
        int[] c = MlpInit.layerSizes(32, new int[] {256, 256}, 1);
        int[] g = MlpInit.layerSizes(16, new int[] {256, 256}, 32);
        long critic = TrainingBenchmark.criticStepFlops(c, g, 4096);
        long iteration = TrainingBenchmark.iterationFlops(c, g, 4096, 5);
        assertThat(iteration).isEqualTo(5 * critic + TrainingBenchmark.generatorStepFlops(c, g, 4096));
        // per row: gen 77,824 + critic 73,984 x 7 + deep 65,792 x 2 + noLast 73,728 = 801,024 MACs
        assertThat(critic).isEqualTo(2L * 4096 * 801_024);
        assertThat(iteration / 1e9).isBetween(35.9, 36.0);
    }
}
