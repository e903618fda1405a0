package io.earthmover.harness.bench;

import io.earthmover.features.FeatureSchema;
import io.earthmover.model.FastScorer;
import io.earthmover.model.Mlp;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.earthmover.model.ModelManifest;
import io.earthmover.model.Calibration;
import io.earthmover.model.InvalidModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Measures scoring throughput: {@link FastScorer} one record at a time against ND4J batches. */
public final class ScoringBenchmark {
    public static final int ND4J_BATCH = 256;
    private static final WorkspaceConfiguration WS = WorkspaceConfiguration.builder().initialSize(0)
            .overallocationLimit(0.2).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).build();

    private ScoringBenchmark() {
    }

    /**
     * @param fastRecordsPerSecond        FastScorer with attribution, one thread
     * @param nd4jRecordsPerSecond        ND4J critic forward pass, batches of 256
     * @param nd4jWithGradientPerSecond   ND4J forward plus input gradient (what attribution needs), batches of 256
     * @param maxAbsDifference            largest |FastScorer - ND4J| critic difference seen
     */
    public record Result(double fastRecordsPerSecond, double fastRecordsPerCpuSecond, double nd4jRecordsPerSecond,
                         double nd4jWithGradientPerSecond, double maxAbsDifference, String architecture) {
    }

    /** A bundle with seeded random weights: {@code features} positional inputs, critic {@code features-hidden...-1}. */
    public static ModelBundle referenceBundle(int features, int[] hidden, long seed) throws InvalidModelException {
        Random r = new Random(seed);
        int[] sizes = Mlp.layerSizes(features, hidden, 1);
        float[][] w = new float[sizes.length - 1][];
        float[][] b = new float[sizes.length - 1][];
        for (int l = 0; l + 1 < sizes.length; l++) {
            w[l] = new float[sizes[l] * sizes[l + 1]];
            b[l] = new float[sizes[l + 1]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = (float) (r.nextGaussian() * Math.sqrt(2.0 / sizes[l]));
            }
        }
        double[] holdout = new double[2000];
        for (int i = 0; i < holdout.length; i++) {
            holdout[i] = r.nextGaussian();
        }
        Calibration cal = Calibration.fit(holdout);
        double[] ones = new double[features];
        java.util.Arrays.fill(ones, 1.0);
        List<String> names = new ArrayList<>(FeatureSchema.positional(features).names());
        ModelManifest m = new ModelManifest(ModelBundle.FORMAT_VERSION, "benchmark", java.time.Instant.now().toString(),
                names, false, 1, false, new ModelManifest.NormaliserSpec("standard", new double[features], ones),
                new ModelManifest.Architecture(features, sizes, new int[] {16, features}, false, Mlp.DEFAULT_SLOPE,
                        ModelBundle.WEIGHTS_FORMAT),
                new ModelManifest.CalibrationTable(holdout.length, cal.values(), cal.cdf(), new double[features]),
                0.995, cal.criticAt(0.005), 0.995, Map.of(), Map.of("benchmark", true),
                new ModelManifest.Metrics(0, 0, 0, 1, 0, 0, 0.005, 0, 0, false, 0, holdout.length), null, null, null);
        return ModelBundle.create(m, w, b);
    }

    /** Runs each measurement for about {@code seconds} after a warm-up. */
    public static Result run(ModelBundle bundle, int topK, double seconds) {
        int d = bundle.featuriser().inputSize();
        Random r = new Random(1);
        int pool = 4096;
        float[][] inputs = new float[pool][d];
        float[] flat = new float[pool * d];
        for (int i = 0; i < pool; i++) {
            for (int j = 0; j < d; j++) {
                inputs[i][j] = (float) r.nextGaussian();
                flat[i * d + j] = inputs[i][j];
            }
        }
        FastScorer scorer = bundle.newScorer(topK);
        ScoreResult res = new ScoreResult(topK);
        double sink = 0;
        long deadline = System.nanoTime() + (long) (seconds * 0.3e9);
        while (System.nanoTime() < deadline) { // warm-up for the JIT
            for (int i = 0; i < pool; i++) {
                scorer.score(inputs[i], res);
                sink += res.score;
            }
        }
        long n = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        deadline = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < pool; i++) {
                scorer.score(inputs[i], res);
                sink += res.score;
            }
            n += pool;
        }
        double fast = n / ((System.nanoTime() - t0) / 1e9);
        double fastCpu = n / ((mx.getCurrentThreadCpuTime() - c0) / 1e9);

        Mlp critic = bundle.nd4jCritic(DataType.FLOAT);
        INDArray all = Nd4j.create(flat, new long[] {pool, d}, 'c');
        double maxDiff = 0;
        INDArray ref = critic.output(all);
        for (int i = 0; i < pool; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ref.getDouble(i, 0) - scorer.critic(inputs[i])));
        }
        double nd = nd4jRate(critic, all, pool, d, false, seconds);
        double ndGrad = nd4jRate(critic, all, pool, d, true, seconds);
        if (sink == 42) {
            System.out.print(""); // keeps the scoring loop from being optimised away
        }
        return new Result(fast, fastCpu, nd, ndGrad, maxDiff, java.util.Arrays.toString(bundle.manifest().architecture().critic()));
    }

    private static double nd4jRate(Mlp critic, INDArray all, int pool, int d, boolean gradient, double seconds) {
        int batches = pool / ND4J_BATCH;
        INDArray[] views = new INDArray[batches];
        for (int k = 0; k < batches; k++) {
            views[k] = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(k * ND4J_BATCH, (k + 1) * ND4J_BATCH)).dup('c');
        }
        long n = 0;
        long t0 = 0;
        long warm = System.nanoTime() + (long) (seconds * 0.3e9);
        boolean measuring = false;
        long deadline = Long.MAX_VALUE;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= warm) {
                measuring = true;
                t0 = now;
                deadline = t0 + (long) (seconds * 1e9);
            } else if (measuring && now >= deadline) {
                break;
            }
            for (int k = 0; k < batches; k++) {
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WS, "earthmover-bench-score")) {
                    Mlp.Forward f = critic.forward(views[k]);
                    if (gradient) {
                        critic.inputGradient(f).dx().getFloat(0);
                    } else {
                        f.out().getFloat(0);
                    }
                }
                if (measuring) {
                    n += ND4J_BATCH;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
