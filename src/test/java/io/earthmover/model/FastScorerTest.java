package io.earthmover.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FastScorerTest {
    @Test
    void criticAgreesWithNd4jTo1e5OnReferenceSize() throws Exception {
        int[] sizes = {32, 128, 128, 1};
        float[][][] wb = TestBundles.weights(sizes, 11);
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            names.add(String.format("f%02d", i));
        }
        ModelBundle b = ModelBundle.create(TestBundles.manifest(names, 1, false, sizes, TestBundles.holdout(300, 2)), wb[0], wb[1]);
        Random r = new Random(5);
        int rows = 256;
        float[] flat = new float[rows * 32];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) (r.nextGaussian() * 2);
        }
        INDArray out = io.earthmover.train.MlpInit.critic(b, DataType.FLOAT)
                .output(Nd4j.create(flat, new long[] {rows, 32}, 'c'));
        FastScorer s = b.newScorer(3);
        ScoreResult res = new ScoreResult(3);
        float[] x = new float[32];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * 32, x, 0, 32);
            s.score(x, res);
            double nd = out.getDouble(i, 0);
            assertThat(Math.abs(res.critic - nd)).as("row %d", i).isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(nd)));
        }
    }

    @Test
    void layerNormCriticAndItsInputGradientAgreeWithNd4jOnBothKernels() throws Exception {
        int[] sizes = {32, 128, 128, 1};
        ModelBundle b = TestBundles.layerNormed(sizes, 21);
        Random r = new Random(6);
        int rows = 128;
        float[] flat = new float[rows * 32];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) (r.nextGaussian() * 2);
        }
        io.earthmover.train.Mlp nd = io.earthmover.train.MlpInit.critic(b, DataType.FLOAT);
        assertThat(nd.layerNorm()).isTrue();
        var f = nd.forward(Nd4j.create(flat, new long[] {rows, 32}, 'c'));
        INDArray out = f.out();
        INDArray grad = io.earthmover.train.InputGradientPass.inputGradient(nd, f).dx();
        for (FastScorer s : new FastScorer[] {b.newScorer(3), b.newScalarScorer(3)}) {
            ScoreResult res = new ScoreResult(3);
            float[] x = new float[32];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(flat, i * 32, x, 0, 32);
                s.score(x, res);
                double v = out.getDouble(i, 0);
                assertThat(Math.abs(res.critic - v)).as("%s row %d", s.kernelName(), i)
                        .isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(v)));
                float[] g = s.lastInputGradient();
                for (int j = 0; j < 32; j++) {
                    double e = grad.getDouble(i, j);
                    assertThat(Math.abs(g[j] - e)).as("%s dD/dx[%d,%d]", s.kernelName(), i, j)
                            .isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(e)));
                }
            }
        }
    }

    @Test
    void layerNormInputGradientMatchesACentralDifference() throws Exception {
        ModelBundle b = TestBundles.layerNormed(new int[] {6, 16, 8, 1}, 4);
        FastScorer s = b.newScalarScorer(6);
        ScoreResult res = new ScoreResult(6);
        float[] x = {0.3f, -1.2f, 0.8f, 2.0f, -0.4f, 0.1f};
        s.score(x, res);
        float[] g = s.lastInputGradient();
        assertThat(g).isNotEqualTo(new float[6]);
        for (int i = 0; i < 6; i++) {
            float old = x[i];
            x[i] = old + 1e-2f;
            double up = s.critic(x);
            x[i] = old - 1e-2f;
            double down = s.critic(x);
            x[i] = old;
            assertThat(g[i]).isCloseTo((float) ((up - down) / 2e-2), org.assertj.core.data.Offset.offset(5e-3f));
        }
    }

    @Test
    void attributionIsGradientTimesDistanceFromBaseline() throws Exception {
        ModelBundle b = TestBundles.small();
        FastScorer s = b.newScorer(12);
        ScoreResult res = new ScoreResult(12);
        Random r = new Random(9);
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = (float) r.nextGaussian();
        }
        s.score(x, res);
        float[] g = s.lastInputGradient();
        // input gradient against a central difference of the critic (float, so a loose tolerance)
        for (int i = 0; i < 12; i++) {
            float old = x[i];
            x[i] = old + 1e-2f;
            double up = s.critic(x);
            x[i] = old - 1e-2f;
            double down = s.critic(x);
            x[i] = old;
            assertThat(g[i]).isCloseTo((float) ((up - down) / 2e-2), org.assertj.core.data.Offset.offset(2e-3f));
        }
        // every input reported once, sorted descending, values = -g * (x - baseline), baseline 0 here
        assertThat(res.topCount).isEqualTo(12);
        assertThat(res.topInput).doesNotHaveDuplicates();
        for (int k = 0; k < 12; k++) {
            int i = res.topInput[k];
            assertThat(res.topContribution[k]).isCloseTo(-(double) g[i] * x[i], org.assertj.core.data.Offset.offset(1e-6));
            if (k > 0) {
                assertThat(res.topContribution[k]).isLessThanOrEqualTo(res.topContribution[k - 1]);
            }
        }
    }

    @Test
    void topKKeepsTheLargestContributions() throws Exception {
        ModelBundle b = TestBundles.small();
        float[] x = new float[12];
        Random r = new Random(3);
        for (int i = 0; i < 12; i++) {
            x[i] = (float) r.nextGaussian();
        }
        ScoreResult all = new ScoreResult(12);
        b.newScorer(12).score(x, all);
        ScoreResult top = new ScoreResult(3);
        b.newScorer(3).score(x, top);
        assertThat(top.topCount).isEqualTo(3);
        for (int k = 0; k < 3; k++) {
            assertThat(top.topInput[k]).isEqualTo(all.topInput[k]);
        }
    }

    @Test
    void scoreAndAnomalyFlagFollowCalibration() throws Exception {
        ModelBundle b = TestBundles.small();
        FastScorer s = b.newScorer(0);
        ScoreResult res = new ScoreResult(0);
        float[] x = new float[12];
        s.score(x, res);
        assertThat(res.score).isEqualTo(b.calibration().score(res.critic));
        assertThat(res.anomaly).isEqualTo(res.score >= b.threshold());
        assertThat(res.topCount).isZero();
    }

    @Test
    void scoringAllocatesNothingInSteadyState() throws Exception {
        ModelBundle b = TestBundles.small();
        for (FastScorer s : new FastScorer[] {b.newScorer(3), b.newScalarScorer(3)}) {
            assertThat(steadyStateAllocation(s, true)).as("%s with attribution", s.kernelName()).isLessThan(10_000);
            assertThat(steadyStateAllocation(s, false)).as("%s forward only", s.kernelName()).isLessThan(10_000);
        }
    }

    /**
     * Bytes allocated by 100k calls once the JIT has compiled them: the least of up to 30 tries, as
     * the Vector API allocates until C2 compiles it (interpreted and C1 code box every vector),
     * and a busy machine delays that compilation. Anything per call would show as megabytes.
     */
    private static long steadyStateAllocation(FastScorer s, boolean attribution) {
        ScoreResult res = new ScoreResult(3);
        float[] x = new float[12];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 30 && least >= 10_000; attempt++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                x[i % 12] = (i % 5) * 0.2f;
                s.score(x, res, attribution);
            }
            least = Math.min(least, mx.getThreadAllocatedBytes(tid) - before);
        }
        return least;
    }
}
