package io.earthmover.harness.bench;

import io.earthmover.config.ConfigKeys;
import io.earthmover.train.Mlp;
import io.earthmover.train.MlpInit;
import io.earthmover.train.Adam;
import io.earthmover.train.ModelTrainer;
import io.earthmover.train.WganGp;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures training throughput against this machine's ND4J float gemm peak (on whichever ND4J
 * backend the jar holds: CPU, or CUDA with {@code -Pcuda}). FLOPs are counted
 * from the matrix products a step performs (the element-wise ops are not counted), so the share
 * of peak says how much of the time goes into useful gemm work.
 */
public final class TrainingBenchmark {
    private static final WorkspaceConfiguration WS = WorkspaceConfiguration.builder().initialSize(0)
            .overallocationLimit(0.2).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).build();
    static final int[] PEAK_SIZES = {256, 512, 1024};

    private TrainingBenchmark() {
    }

    /**
     * One measured figure: samples/s, seconds per unit, and achieved gemm GFLOP/s by wall time,
     * and the same per second of this thread's CPU time (meaningful on a shared, loaded machine;
     * with one ND4J thread all work runs on the calling thread).
     */
    public record Rate(double samplesPerSecond, double secondsPerUnit, double gflops, double cpuSecondsPerUnit,
                       double cpuGflops) {
    }

    /**
     * @param gemmPeakGflops best ND4J float gemm rate over square sizes {@link #PEAK_SIZES}
     * @param peakSize       the size that reached it
     */
    public record Result(double gemmPeakGflops, int peakSize, double gemmPeakCpuGflops, Rate criticStep, Rate iteration,
                         long criticFlopsPerStep, long iterationFlops) {
    }

    /** ND4J float gemm GFLOP/s for square n x n matrices: by wall time and by thread CPU time. */
    public static double[] gemmGflops(int n, double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.zeros(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        long reps = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            reps++;
        }
        c.getFloat(0);
        Nd4j.getExecutioner().commit();
        double el = (System.nanoTime() - t0) / 1e9;
        double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
        double flops = 2.0 * n * n * (double) n * reps;
        return new double[] {flops / el / 1e9, flops / Math.max(cpu, 1e-9) / 1e9};
    }

    /**
     * @param iterations timed critic steps and, separately, timed full iterations (after {@code warmup} of each)
     * @param peakSeconds time for the gemm peak over {@link #PEAK_SIZES}
     */
    public static Result run(int features, int latent, int[] criticHidden, int[] generatorHidden, int batch,
                             int criticSteps, int warmup, int iterations, double peakSeconds) {
        if (iterations < 1 || warmup < 0) {
            throw new IllegalArgumentException("iterations must be at least 1 and warmup not negative");
        }
        double peak = 0;
        double peakCpu = 0;
        int peakSize = 0;
        for (int n : PEAK_SIZES) {
            double[] g = gemmGflops(n, peakSeconds / PEAK_SIZES.length);
            if (g[0] > peak) {
                peak = g[0];
                peakSize = n;
            }
            peakCpu = Math.max(peakCpu, g[1]);
        }
        Random rng = new Random(1);
        int[] cs = MlpInit.layerSizes(features, criticHidden, 1);
        int[] gs = MlpInit.layerSizes(latent, generatorHidden, features);
        Mlp critic = MlpInit.init(cs, Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT);
        Mlp generator = MlpInit.init(gs, Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT);
        WganGp gan = new WganGp(critic, generator);
        Adam ca = new Adam(critic.flatParams(), 1e-4, 0, 0.9);
        Adam ga = new Adam(generator.flatParams(), 1e-4, 0, 0.9);
        Mlp.Params cg = critic.zerosLikeParams();
        Mlp.Params gg = generator.zerosLikeParams();
        float[] real = gaussian(batch * features, rng);
        float[] z = gaussian(batch * latent, rng);
        float[] eps = new float[batch];
        for (int i = 0; i < batch; i++) {
            eps[i] = rng.nextFloat();
        }
        // auxiliary negatives at the trainer's defaults, so a step here is a step of the trainer
        int auxRows = (int) Math.round(ConfigKeys.TRAIN_AUX_FRACTION.defaultValue() * batch);
        float[] aux = new float[auxRows * features];
        io.earthmover.train.Sampling.auxiliary(aux, auxRows, real, batch, features, ConfigKeys.TRAIN_AUX_NOISE.defaultValue(), rng);
        Runnable criticStep = () -> {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WS, "earthmover-bench-train")) {
                gan.critic(Nd4j.create(real, new long[] {batch, features}, 'c'),
                        Nd4j.create(z, new long[] {batch, latent}, 'c'),
                        auxRows == 0 ? null : Nd4j.create(aux, new long[] {auxRows, features}, 'c'),
                        Nd4j.create(eps, new long[] {batch, 1}, 'c'), 10.0, true, cg);
                ca.step(cg.flat());
            }
        };
        Runnable generatorStep = () -> {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WS, "earthmover-bench-train")) {
                gan.generator(Nd4j.create(z, new long[] {batch, latent}, 'c'), gg);
                ga.step(gg.flat());
            }
        };
        long cFlops = criticStepFlops(cs, gs, batch);
        long iFlops = iterationFlops(cs, gs, batch, criticSteps);
        double[] stepSec = time(criticStep, warmup, iterations);
        double[] iterSec = time(() -> {
            for (int c = 0; c < criticSteps; c++) {
                criticStep.run();
            }
            generatorStep.run();
        }, warmup, iterations);
        Rate step = new Rate(batch / stepSec[0], stepSec[0], cFlops / stepSec[0] / 1e9, stepSec[1], cFlops / stepSec[1] / 1e9);
        Rate iter = new Rate((double) batch * criticSteps / iterSec[0], iterSec[0], iFlops / iterSec[0] / 1e9, iterSec[1],
                iFlops / iterSec[1] / 1e9);
        return new Result(peak, peakSize, peakCpu, step, iter, cFlops, iFlops);
    }

    /**
     * Mean wall and thread-CPU seconds per run over {@code n} runs after {@code warmup} runs. The
     * executioner is synchronised before each clock read, so a backend that queues work
     * asynchronously (CUDA) is timed to completion.
     */
    private static double[] time(Runnable r, int warmup, int n) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        Nd4j.getExecutioner().commit();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            r.run();
        }
        Nd4j.getExecutioner().commit();
        double wall = (System.nanoTime() - t0) / 1e9 / n;
        double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9 / n;
        return new double[] {wall, cpu};
    }

    /** gemm FLOPs of one full iteration: {@code criticSteps} critic steps and one generator step. */
    public static long iterationFlops(int[] c, int[] g, int b, int criticSteps) {
        return criticSteps * criticStepFlops(c, g, b) + generatorStepFlops(c, g, b);
    }

    /** Sum of in*out over layers from..to-1. */
    private static long macs(int[] s, int from, int to) {
        long m = 0;
        for (int l = from; l < to; l++) {
            m += (long) s[l] * s[l + 1];
        }
        return m;
    }

    /**
     * gemm FLOPs (2 per multiply-add) of one {@link WganGp#critic} step for layer sizes {@code c}
     * (critic, input first) and {@code g} (generator) at batch {@code b}: see the comments for
     * each pass. Element-wise work, the optimiser and the auxiliary-row copy are not counted.
     */
    public static long criticStepFlops(int[] c, int[] g, int b) {
        int lc = c.length - 1;
        long fl = 0;
        fl += 2L * b * macs(g, 0, g.length - 1);          // generator forward
        fl += 2L * 2 * b * macs(c, 0, lc);                // critic forward, real + fake
        fl += 2L * 2 * b * macs(c, 0, lc);                // weight gradients
        fl += 2L * 2 * b * macs(c, 1, lc);                // backpropagated deltas (not to the input)
        fl += 2L * b * macs(c, 0, lc);                    // forward at the interpolates
        fl += 2L * b * macs(c, 0, lc);                    // input gradient
        fl += 2L * b * macs(c, 0, lc);                    // penalty weight gradients
        fl += 2L * b * macs(c, 0, lc - 1);                // penalty adjoint propagation
        return fl;
    }

    /** gemm FLOPs of one {@link WganGp#generator} step (forward through both, backward through both). */
    public static long generatorStepFlops(int[] c, int[] g, int b) {
        int lc = c.length - 1;
        int lg = g.length - 1;
        return 2L * b * (macs(g, 0, lg) + macs(c, 0, lc) + macs(c, 0, lc) + macs(g, 0, lg) + macs(g, 0, lg));
    }

    private static float[] gaussian(int n, Random r) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
