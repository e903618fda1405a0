package io.earthmover.model;

/**
 * The plain-Java reference input of a conditional model: {@code ref(x)} = {@code x} with its
 * newest step replaced by {@code G(context(x), z = 0)}, the generator's output at the noise's
 * mode (a deterministic summary of what the generator produces for this context; see
 * {@link ConditionalLayout}). Owns scratch buffers: <b>not thread-safe</b>, one per
 * {@link FastScorer}; the weights are shared.
 */
final class ConditionalReference {
    private final PlainCritic generator;
    private final ConditionalLayout layout;
    private final DenseKernel kernel;
    /** Generator input: the context, then the latent vector (all zeros, never written). */
    private final float[] in;
    private final float[][] outs;

    ConditionalReference(PlainCritic generator, ConditionalLayout layout, DenseKernel kernel) {
        this.generator = generator;
        this.layout = layout;
        this.kernel = kernel;
        this.in = new float[generator.inputSize()];
        this.outs = new float[generator.layers()][];
        for (int l = 0; l < outs.length; l++) {
            outs[l] = new float[generator.sizes[l + 1]];
        }
    }

    ConditionalLayout layout() {
        return layout;
    }

    /** Writes {@code ref(x)} into {@code ref} (at least the critic's input size; not {@code x}). */
    void reference(float[] x, float[] ref) {
        layout.context(x, in);
        float[] h = in;
        int layers = generator.layers();
        for (int l = 0; l < layers; l++) {
            float[] out = outs[l];
            kernel.combineRows(h, generator.sizes[l], generator.rows[l], generator.w[l], generator.sizes[l + 1],
                    generator.b[l], out);
            if (l < layers - 1) {
                for (int j = 0; j < out.length; j++) {
                    out[j] = Math.max(out[j], generator.slope * out[j]);
                }
            }
            h = out;
        }
        layout.assemble(x, h, ref);
    }
}
