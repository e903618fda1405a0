package io.earthmover.train;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer's ND4J plumbing: one reused workspace per training step (so a step allocates no
 * new off-heap memory after the first) and batched forward passes of the networks.
 */
final class Nd4jBatches {
    static final int EVAL_BATCH = 4096;
    private static final WorkspaceConfiguration STEP_WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.2)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP).build();
    private static final String WORKSPACE_ID = "earthmover-train-step";

    private Nd4jBatches() {
    }

    /** Opens the step workspace; close it when the step's arrays are no longer needed. */
    static MemoryWorkspace step() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WORKSPACE, WORKSPACE_ID);
    }

    /** Rows {@code rows x cols} of a row-major buffer as an array of the current workspace. */
    static INDArray matrix(float[] buf, int rows, int cols) {
        return Nd4j.create(buf, new long[] {rows, cols}, 'c');
    }

    /** Critic values of rows, in ND4J batches. */
    static double[] criticValues(Mlp critic, float[][] rows, int d) {
        return perRow(rows, d, critic::output);
    }

    /** Reconstruction errors {@code mean_i (x_i - G(E(x))_i)^2} of rows, in ND4J batches. */
    static double[] reconstructionErrors(Mlp encoder, Mlp generator, float[][] rows, int d) {
        return perRow(rows, d, x -> {
            INDArray diff = generator.output(encoder.output(x)).subi(x);
            return diff.muli(diff).mean(true, 1);
        });
    }

    /** One value per row: {@code f} maps a batch of rows to a column, in batches of {@link #EVAL_BATCH} in the step workspace. */
    private static double[] perRow(float[][] rows, int d, java.util.function.UnaryOperator<INDArray> f) {
        double[] out = new double[rows.length];
        for (int start = 0; start < rows.length; start += EVAL_BATCH) {
            int m = Math.min(EVAL_BATCH, rows.length - start);
            float[] buf = new float[m * d];
            for (int i = 0; i < m; i++) {
                System.arraycopy(rows[start + i], 0, buf, i * d, d);
            }
            try (MemoryWorkspace ws = step()) {
                INDArray o = f.apply(matrix(buf, m, d));
                for (int i = 0; i < m; i++) {
                    out[start + i] = o.getDouble(i, 0);
                }
            }
        }
        return out;
    }

    /** {@code count} generated rows from Gaussian latent vectors drawn from {@code rng}. */
    static float[][] generate(Mlp generator, int count, int latent, int d, Random rng) {
        float[] zBuf = new float[count * latent];
        Sampling.gaussian(zBuf, rng);
        float[][] out = new float[count][];
        try (MemoryWorkspace ws = step()) {
            float[] flat = generator.output(matrix(zBuf, count, latent)).dup('c').data().asFloat();
            for (int i = 0; i < count; i++) {
                out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
        }
        return out;
    }

    /**
     * {@code count} generated rows of a conditional model: the rows of {@code context} in turn, each
     * with its newest step replaced by the generator's output for its context and a Gaussian z from {@code rng}.
     */
    static float[][] generateConditional(Mlp generator, io.earthmover.model.ConditionalLayout c, float[][] context, int count,
            int latent, Random rng) {
        int d = c.inputSize();
        float[] real = new float[count * d];
        for (int i = 0; i < count; i++) {
            System.arraycopy(context[i % context.length], 0, real, i * d, d);
        }
        float[] zBuf = new float[count * latent];
        Sampling.gaussian(zBuf, rng);
        float[][] out = new float[count][];
        try (MemoryWorkspace ws = step()) {
            INDArray r = matrix(real, count, d);
            INDArray g = generator.output(WganGp.generatorInput(c, r, matrix(zBuf, count, latent)));
            float[] flat = WganGp.assemble(c, r, g).dup('c').data().asFloat();
            for (int i = 0; i < count; i++) {
                out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
        }
        return out;
    }

    static boolean finite(Mlp net) {
        return Double.isFinite(net.flatParams().sumNumber().doubleValue());
    }
}
