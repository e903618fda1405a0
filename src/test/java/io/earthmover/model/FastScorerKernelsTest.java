package io.earthmover.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both kernels against a plain double-precision reference of the critic and its input gradient,
 * on random networks whose widths are and are not multiples of the vector width; the choice
 * between the kernels; and attribution on demand.
 */
class FastScorerKernelsTest {
    /** Widths below, at and around 8 and 16 floats (256- and 512-bit vectors) and their multiples. */
    private static final int[][] SHAPES = {{32, 128, 128, 1}, {12, 16, 8, 1}, {7, 13, 1}, {5, 1}, {3, 200, 1},
            {33, 17, 65, 1}, {64, 100, 50, 30, 1}, {1, 129, 2, 1}, {16, 256, 1}};

    @Test
    void scalarKernelEqualsTheReference() throws Exception {
        agreesWithReference(ScalarKernel.INSTANCE);
    }

    @Test
    void vectorKernelEqualsTheReference() throws Exception {
        Optional<DenseKernel> v = DenseKernels.vectorKernel();
        assumeTrue(v.isPresent(), "the JVM runs without --add-modules jdk.incubator.vector (the build passes it to tests)");
        agreesWithReference(v.get());
    }

    private static void agreesWithReference(DenseKernel kernel) throws Exception {
        for (int[] sizes : SHAPES) {
            ModelBundle b = bundle(sizes, 17 + sizes.length * 31L + sizes[1]);
            FastScorer s = new FastScorer(b.plainCritic(), kernel, b.calibration(), b.threshold(), new float[sizes[0]], sizes[0]);
            ScoreResult res = new ScoreResult(sizes[0]);
            float[][][] wb = TestBundles.weights(sizes, 17 + sizes.length * 31L + sizes[1]);
            Random r = new Random(sizes[1]);
            for (int rep = 0; rep < 50; rep++) {
                float[] x = new float[sizes[0]];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (r.nextGaussian() * 1.5);
                }
                double[] refGrad = new double[sizes[0]];
                double ref = reference(sizes, wb[0], wb[1], 0.2, x, refGrad);
                s.score(x, res);
                String what = kernel.name() + " " + java.util.Arrays.toString(sizes) + " record " + rep;
                assertThat(Math.abs(res.critic - ref)).as("critic, %s", what).isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(ref)));
                float[] g = s.lastInputGradient();
                double scale = 0;
                for (double v : refGrad) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < g.length; i++) {
                    assertThat(Math.abs(g[i] - refGrad[i])).as("dD/dx_%d, %s", i, what).isLessThanOrEqualTo(1e-5 * scale);
                }
            }
        }
    }

    /**
     * The input gradient through the last hidden layer starts from the all-active or the none-active
     * vector and adds the other side's rows: with that layer's biases pushed far up (every unit active),
     * far down (none), or left alone, the gradient is the reference's on both kernels.
     */
    @Test
    void inputGradientIsTheReferencesWhetherAllNoneOrSomeUnitsOfTheLastHiddenLayerAreActive() throws Exception {
        List<DenseKernel> kernels = new ArrayList<>(List.of(ScalarKernel.INSTANCE));
        DenseKernels.vectorKernel().ifPresent(kernels::add);
        int[][] shapes = {{32, 128, 128, 1}, {7, 13, 1}, {33, 17, 65, 1}};
        for (int[] sizes : shapes) {
            for (float shiftBias : new float[] {20f, -20f, 0f}) {
                float[][][] wb = TestBundles.weights(sizes, 5 + sizes[1]);
                int lastHidden = sizes.length - 3;
                for (int j = 0; j < wb[1][lastHidden].length; j++) {
                    wb[1][lastHidden][j] += shiftBias;
                }
                List<String> names = new ArrayList<>();
                for (int i = 0; i < sizes[0]; i++) {
                    names.add("f" + i);
                }
                ModelBundle b = ModelBundle.create(TestBundles.manifest(names, 1, false, sizes, TestBundles.holdout(200, 3)), wb[0], wb[1]);
                for (DenseKernel kernel : kernels) {
                    FastScorer s = new FastScorer(b.plainCritic(), kernel, b.calibration(), b.threshold(), new float[sizes[0]], sizes[0]);
                    ScoreResult res = new ScoreResult(sizes[0]);
                    Random r = new Random(9);
                    for (int rep = 0; rep < 20; rep++) {
                        float[] x = new float[sizes[0]];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) r.nextGaussian();
                        }
                        double[] refGrad = new double[sizes[0]];
                        reference(sizes, wb[0], wb[1], 0.2, x, refGrad);
                        s.score(x, res);
                        float[] g = s.lastInputGradient();
                        double scale = 0;
                        for (double v : refGrad) {
                            scale = Math.max(scale, Math.abs(v));
                        }
                        for (int i = 0; i < g.length; i++) {
                            assertThat(Math.abs(g[i] - refGrad[i])).as("%s %s bias shift %s record %d dD/dx_%d", kernel.name(),
                                    java.util.Arrays.toString(sizes), shiftBias, rep, i).isLessThanOrEqualTo(1e-5 * scale);
                        }
                    }
                }
            }
        }
    }

    /** The critic in double precision, straight from the definition; dD/dx into {@code grad}. */
    private static double reference(int[] sizes, float[][] w, float[][] b, double slope, float[] x, double[] grad) {
        int layers = sizes.length - 1;
        List<double[]> pre = new ArrayList<>();
        double[] in = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = x[i];
        }
        for (int l = 0; l < layers; l++) {
            double[] zl = new double[sizes[l + 1]];
            for (int j = 0; j < zl.length; j++) {
                zl[j] = b[l][j];
                for (int i = 0; i < sizes[l]; i++) {
                    zl[j] += in[i] * w[l][i * sizes[l + 1] + j];
                }
            }
            pre.add(zl);
            in = new double[zl.length];
            for (int j = 0; j < zl.length; j++) {
                in[j] = zl[j] > 0 ? zl[j] : slope * zl[j];
            }
        }
        double[] d = {1.0}; // dD/dz of the output layer
        for (int l = layers - 1; l >= 0; l--) {
            double[] u = new double[sizes[l]];
            for (int i = 0; i < u.length; i++) {
                for (int j = 0; j < d.length; j++) {
                    u[i] += w[l][i * sizes[l + 1] + j] * d[j];
                }
                if (l > 0) {
                    u[i] *= pre.get(l - 1)[i] > 0 ? 1 : slope;
                }
            }
            d = u;
        }
        System.arraycopy(d, 0, grad, 0, d.length);
        return pre.get(layers - 1)[0];
    }

    private static ModelBundle bundle(int[] sizes, long seed) throws InvalidModelException {
        float[][][] wb = TestBundles.weights(sizes, seed);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sizes[0]; i++) {
            names.add("f" + i);
        }
        return ModelBundle.create(TestBundles.manifest(names, 1, false, sizes, TestBundles.holdout(200, seed)), wb[0], wb[1]);
    }

    @Test
    void leakyDerivativeIsOneAboveZeroAndTheSlopeAtOrBelowIt() {
        List<DenseKernel> kernels = new ArrayList<>(List.of(ScalarKernel.INSTANCE));
        DenseKernels.vectorKernel().ifPresent(kernels::add);
        // 37 values: whole vectors of 8 and 16 plus a scalar tail, normal floats at both extremes
        float[] z = new float[37];
        float[] expected = new float[z.length];
        float[] special = {0f, -0f, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30f, -1e-30f, 3e38f, -3e38f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f};
        for (int i = 0; i < z.length; i++) {
            z[i] = special[i % special.length];
            expected[i] = z[i] > 0 ? 2f : 2f * 0.2f;
        }
        for (DenseKernel k : kernels) {
            float[] g = new float[z.length];
            java.util.Arrays.fill(g, 2f);
            k.timesLeakyDerivative(g, z, z.length, 0.2f);
            assertThat(g).as(k.name()).containsExactly(expected);
        }
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelServes() {
        DenseKernels.Choice c = DenseKernels.choose(ScalarKernel.INSTANCE, Optional.empty());
        assertThat(c.kernel()).isSameAs(ScalarKernel.INSTANCE);
        assertThat(c.reason()).contains("--add-modules jdk.incubator.vector");
    }

    @Test
    void aCandidateThatMeasuresSlowerFallsBackAndOneThatMeasuresFasterIsTaken() {
        DenseKernel slow = new SlowKernel();
        assertThat(DenseKernels.choose(ScalarKernel.INSTANCE, Optional.of(slow)).kernel()).isSameAs(ScalarKernel.INSTANCE);
        DenseKernels.Choice taken = DenseKernels.choose(slow, Optional.of(ScalarKernel.INSTANCE));
        assertThat(taken.kernel()).isSameAs(ScalarKernel.INSTANCE);
        assertThat(taken.reason()).contains("measured faster").contains("slow-scalar");
    }

    @Test
    void theServiceKernelIsOneOfTheTwo() {
        String chosen = DenseKernels.selected().kernel().name();
        boolean vector = DenseKernels.vectorKernel().isPresent();
        assertThat(chosen).isIn(vector ? List.of("scalar", DenseKernels.vectorKernel().get().name()) : List.of("scalar"));
        assertThat(FastScorer.kernelChoice()).startsWith(chosen);
    }

    @Test
    void attributionOnDemandEqualsAttributionInTheSamePass() throws Exception {
        ModelBundle b = bundle(new int[] {20, 33, 17, 1}, 5);
        FastScorer s = b.newScorer(4);
        ScoreResult both = new ScoreResult(4);
        ScoreResult later = new ScoreResult(4);
        Random r = new Random(2);
        float[] x = new float[20];
        for (int rep = 0; rep < 20; rep++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            s.score(x, both);
            s.score(x, later, false);
            assertThat(later.critic).isEqualTo(both.critic);
            assertThat(later.score).isEqualTo(both.score);
            assertThat(later.anomaly).isEqualTo(both.anomaly);
            assertThat(later.topCount).isZero();
            s.attribute(x, later);
            assertThat(later.topCount).isEqualTo(4);
            assertThat(later.topInput).containsExactly(both.topInput);
            assertThat(later.topContribution).containsExactly(both.topContribution);
        }
    }

    @Test
    void attributionNeedsTheInputOfTheLastForwardPass() throws Exception {
        ModelBundle b = TestBundles.small();
        FastScorer s = b.newScorer(3);
        ScoreResult res = new ScoreResult(3);
        float[] x = new float[12];
        assertThatThrownBy(() -> s.attribute(x, res)).isInstanceOf(IllegalStateException.class);
        s.score(x, res, false);
        assertThatThrownBy(() -> s.attribute(new float[12], res)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("last score()");
    }

    /** The scalar kernel doing every product four times: a candidate that must lose the measurement. */
    private static final class SlowKernel implements DenseKernel {
        @Override
        public void combineRows(float[] coef, int count, float[][] rows, float[] flat, int n, float[] init, float[] out) {
            for (int k = 0; k < 4; k++) {
                ScalarKernel.INSTANCE.combineRows(coef, count, rows, flat, n, init, out);
            }
        }

        @Override
        public void combineSelectedRows(float[] coef, int[] index, int count, float[][] rows, float[] flat, int n, float[] init,
                float[] out) {
            for (int k = 0; k < 4; k++) {
                ScalarKernel.INSTANCE.combineSelectedRows(coef, index, count, rows, flat, n, init, out);
            }
        }

        @Override
        public float dot(float[] a, float[] b, int n) {
            return ScalarKernel.INSTANCE.dot(a, b, n);
        }

        @Override
        public void timesLeakyDerivative(float[] g, float[] z, int n, float slope) {
            ScalarKernel.INSTANCE.timesLeakyDerivative(g, z, n, slope);
        }

        @Override
        public String name() {
            return "slow-scalar";
        }
    }
}
