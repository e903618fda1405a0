package io.earthmover.model;

import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses {@link FastScorer}'s kernel once per JVM, on first use: the {@link VectorKernel} when
 * the JVM resolved {@code jdk.incubator.vector} <em>and</em> it measures faster than the
 * {@link ScalarKernel} on a reference layer, else the scalar kernel.
 *
 * <p>Why not always the Vector API: an incubator module is resolved only with
 * {@code --add-modules jdk.incubator.vector} on the {@code java} command line (or in
 * {@code JDK_JAVA_OPTIONS}); a jar manifest cannot ask for it (JDK 17 manifests know
 * {@code Add-Opens} and {@code Add-Exports}, not {@code Add-Modules}), and neither a child module
 * layer (its classes would lose java.base's qualified exports and the JIT intrinsics) nor
 * re-launching the JVM is sound. So {@code java -jar earthmover.jar} gets the scalar kernel and the
 * container image, whose entrypoint carries the flag, the vector one.
 */
final class DenseKernels {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Logger LOG = LoggerFactory.getLogger(DenseKernels.class);
    /** At least this many rounds of each kernel (20,000 calls: past the JIT's C2 thresholds). */
    private static final int MIN_ROUNDS = 100;
    private static final int CALLS_PER_ROUND = 200;
    /** A best time counts as improved when it drops by more than this share. */
    private static final double IMPROVEMENT = 0.02;
    /** Give up waiting for the JIT after this long: the figures so far decide. */
    private static final long MAX_CALIBRATION_NANOS = 3_000_000_000L;

    /** The kernel chosen, and why, with the measured cost of one 128x128 layer for each candidate. */
    record Choice(DenseKernel kernel, String reason) {
    }

    private DenseKernels() {
    }

    private static final class Holder {
        static final Choice CHOICE = choose(ScalarKernel.INSTANCE, vectorKernel());

        static {
            LOG.info("critic kernel: {} ({})", CHOICE.kernel().name(), CHOICE.reason());
        }
    }

    static Choice selected() {
        return Holder.CHOICE;
    }

    /** The Vector API kernel if this JVM resolved its module, loaded by name so nothing links it otherwise. */
    static Optional<DenseKernel> vectorKernel() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of((DenseKernel) Class.forName("io.earthmover.model.VectorKernel").getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("{} is resolved but its kernel does not load: {}", VECTOR_MODULE, e.toString());
            return Optional.empty();
        }
    }

    static Choice choose(DenseKernel fallback, Optional<DenseKernel> candidate) {
        if (candidate.isEmpty()) {
            return new Choice(fallback, VECTOR_MODULE + " not resolved (start with bin/earthmover, or java --add-modules " + VECTOR_MODULE
                    + ", to try it)");
        }
        DenseKernel v = candidate.get();
        long t0 = System.nanoTime();
        double[] ns = fastestCallNanos(fallback, v);
        String figures = String.format(java.util.Locale.ROOT, "128x128 layer: %s %.0f ns, %s %.0f ns; measured in %d ms",
                fallback.name(), ns[0], v.name(), ns[1], (System.nanoTime() - t0) / 1_000_000);
        return ns[1] < ns[0] ? new Choice(v, v.name() + " measured faster; " + figures)
                : new Choice(fallback, v.name() + " measured slower; " + figures);
    }

    /**
     * The fastest round of each kernel over interleaved rounds, so both see the same machine load.
     * It runs until neither best has improved in the second half of the rounds (and at least
     * {@link #MIN_ROUNDS}): the Vector API is many times slower until C2 compiles it, and on a busy
     * machine the compiler threads are late, so a fixed count chose the scalar kernel once in a
     * few runs. {@link #MAX_CALIBRATION_NANOS} bounds it.
     */
    private static double[] fastestCallNanos(DenseKernel a, DenseKernel b) {
        int n = 128;
        Random r = new Random(1);
        float[] flat = new float[n * n];
        float[][] rows = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rows[i][j] = (float) r.nextGaussian();
                flat[i * n + j] = rows[i][j];
            }
        }
        float[] coef = new float[n];
        for (int i = 0; i < n; i++) {
            coef[i] = (float) r.nextGaussian();
        }
        float[] out = new float[n];
        float sink = 0;
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        DenseKernel[] ks = {a, b};
        int lastImprovement = 0;
        long deadline = System.nanoTime() + MAX_CALIBRATION_NANOS;
        for (int round = 0; round < MIN_ROUNDS || round < 2 * lastImprovement; round++) {
            for (int k = 0; k < 2; k++) {
                long t0 = System.nanoTime();
                for (int c = 0; c < CALLS_PER_ROUND; c++) {
                    ks[k].combineRows(coef, n, rows, flat, n, coef, out);
                    sink += ks[k].dot(out, coef, n);
                }
                double ns = (System.nanoTime() - t0) / (double) CALLS_PER_ROUND;
                if (ns < best[k] * (1 - IMPROVEMENT)) {
                    lastImprovement = round;
                }
                best[k] = Math.min(best[k], ns);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        blackhole = sink; // the results are used: the JIT cannot drop the loops
        return best;
    }

    @SuppressWarnings("unused")
    private static volatile float blackhole;
}
