package io.earthmover.model;

/**
 * The plain-Java reconstruction {@code G(E(x))} of a critic input by a model's encoder and
 * generator (LeakyReLU hidden layers, linear outputs, as trained), and its error
 * {@code R = mean_i (x_i - G(E(x))_i)^2}. Owns scratch buffers: <b>not thread-safe</b>, one per
 * {@link FastScorer}; the weights are shared.
 */
final class Reconstructor {
    private final PlainCritic encoder;
    private final PlainCritic generator;
    private final DenseKernel kernel;
    private final ModelManifest.Reconstruction combination;
    private final float[][] encoderOut;
    private final float[][] generatorOut;

    Reconstructor(PlainCritic encoder, PlainCritic generator, DenseKernel kernel, ModelManifest.Reconstruction combination) {
        this.encoder = encoder;
        this.generator = generator;
        this.kernel = kernel;
        this.combination = combination;
        this.encoderOut = buffers(encoder);
        this.generatorOut = buffers(generator);
    }

    private static float[][] buffers(PlainCritic net) {
        float[][] b = new float[net.layers()][];
        for (int l = 0; l < b.length; l++) {
            b[l] = new float[net.sizes[l + 1]];
        }
        return b;
    }

    ModelManifest.Reconstruction combination() {
        return combination;
    }

    int inputSize() {
        return encoder.inputSize();
    }

    /** Writes {@code G(E(x))} into {@code out} (at least the input size) and returns the reconstruction error. */
    double reconstruct(float[] x, float[] out) {
        float[] z = forward(encoder, x, encoderOut);
        float[] y = forward(generator, z, generatorOut);
        int n = encoder.inputSize();
        System.arraycopy(y, 0, out, 0, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) x[i] - y[i];
            sum += d * d;
        }
        return sum / n;
    }

    private float[] forward(PlainCritic net, float[] x, float[][] outs) {
        float[] in = x;
        int layers = net.layers();
        for (int l = 0; l < layers; l++) {
            float[] out = outs[l];
            kernel.combineRows(in, net.sizes[l], net.rows[l], net.w[l], net.sizes[l + 1], net.b[l], out);
            if (l < layers - 1) {
                for (int j = 0; j < out.length; j++) {
                    out[j] = Math.max(out[j], net.slope * out[j]);
                }
            }
            in = out;
        }
        return in;
    }
}
