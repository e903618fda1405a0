package io.earthmover.model;

import io.earthmover.features.FeatureSchema;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Bundles with random weights, for tests that need no training. */
final class TestBundles {
    private TestBundles() {
    }

    static ModelManifest manifest(List<String> names, int window, boolean diff, int[] critic, double[] holdoutCritic) {
        return manifest(names, window, diff, critic, holdoutCritic, false);
    }

    static ModelManifest manifest(List<String> names, int window, boolean diff, int[] critic, double[] holdoutCritic,
            boolean layerNorm) {
        FeatureSchema schema = FeatureSchema.named(names);
        int n = schema.size();
        int d = critic[0];
        double[] centre = new double[n];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            centre[i] = i;
            scale[i] = 1 + i;
        }
        Calibration cal = Calibration.fit(holdoutCritic);
        return new ModelManifest(ModelBundle.FORMAT_VERSION, "20250101-000000-0000abcd", "2025-01-01T00:00:00Z",
                schema.names(), true, window, diff, new ModelManifest.NormaliserSpec("standard", centre, scale, null, null),
                new ModelManifest.Architecture(d, critic, new int[] {4, 8, d}, layerNorm, 0.2, ModelBundle.WEIGHTS_FORMAT),
                new ModelManifest.CalibrationTable(holdoutCritic.length, cal.values(), cal.cdf(), new double[d]),
                0.99, cal.criticAt(0.01), 0.99, Map.of("train.seed", 1), Map.of("file", "test.csv"),
                new ModelManifest.Metrics(1, 0.1, 0, 1, -1, 1, 0.01, 10, 1.5, false, 100, 20), null, null, null);
    }

    static float[][][] weights(int[] sizes, long seed) {
        Random r = new Random(seed);
        float[][] w = new float[sizes.length - 1][];
        float[][] b = new float[sizes.length - 1][];
        for (int l = 0; l + 1 < sizes.length; l++) {
            w[l] = new float[sizes[l] * sizes[l + 1]];
            b[l] = new float[sizes[l + 1]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = (float) (r.nextGaussian() * Math.sqrt(2.0 / sizes[l]));
            }
            for (int i = 0; i < b[l].length; i++) {
                b[l][i] = (float) (r.nextGaussian() * 0.1);
            }
        }
        return new float[][][] {w, b};
    }

    /** Random layer-norm gains (around 1) and shifts (around 0) of the hidden layers: {gains, shifts}. */
    static float[][][] norms(int[] sizes, long seed) {
        Random r = new Random(seed);
        int hidden = sizes.length - 2;
        float[][] g = new float[hidden][];
        float[][] s = new float[hidden][];
        for (int k = 0; k < hidden; k++) {
            g[k] = new float[sizes[k + 1]];
            s[k] = new float[sizes[k + 1]];
            for (int j = 0; j < g[k].length; j++) {
                g[k][j] = (float) (1 + 0.3 * r.nextGaussian());
                s[k][j] = (float) (0.3 * r.nextGaussian());
            }
        }
        return new float[][][] {g, s};
    }

    /** f00..f(n-1) named features, window 1, a critic with layer norm. */
    static ModelBundle layerNormed(int[] sizes, long seed) throws InvalidModelException {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < sizes[0]; i++) {
            names.add(String.format("f%02d", i));
        }
        float[][][] wb = weights(sizes, seed);
        float[][][] gs = norms(sizes, seed + 1);
        return ModelBundle.create(manifest(names, 1, false, sizes, holdout(300, seed + 2), true), wb[0], wb[1], gs[0], gs[1]);
    }

    static double[] holdout(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    /** As {@link #small()} with an encoder 12-8-3 and generator 3-8-12, in the given bundle format. */
    static ModelBundle withEncoder(int formatVersion) throws InvalidModelException {
        int[] sizes = {12, 16, 8, 1};
        float[][][] wb = weights(sizes, 3);
        float[][][] e = weights(ENCODER, 5);
        float[][][] g = weights(GENERATOR, 6);
        ModelManifest m = manifest(List.of("cpu", "mem", "net"), 2, true, sizes, holdout(500, 4));
        ModelManifest.Architecture a = m.architecture();
        return ModelBundle.create(new ModelManifest(formatVersion, m.version(), m.createdAt(), m.featureNames(), m.named(),
                m.window(), m.differences(), m.normaliser(),
                new ModelManifest.Architecture(a.inputSize(), a.critic(), GENERATOR, false, a.leakyReluSlope(), a.weightsFormat(), ENCODER),
                m.calibration(), m.threshold(), m.criticThreshold(), m.thresholdQuantile(), m.training(), m.trainingData(),
                m.metrics(), null, null, RECONSTRUCTION, null), wb[0], wb[1], new float[0][], new float[0][],
                new ModelBundle.Autoencoder(e[0], e[1], g[0], g[1]));
    }

    static final int[] ENCODER = {12, 8, 3};
    static final int[] GENERATOR = {3, 8, 12};
    static final ModelManifest.Reconstruction RECONSTRUCTION = new ModelManifest.Reconstruction(0.5, 0.1, 0.8, 0.6, 0.3);

    /** 3 named features, window 2 with differences (12 inputs), critic 12-16-8-1. */
    static ModelBundle small() throws InvalidModelException {
        int[] sizes = {12, 16, 8, 1};
        float[][][] wb = weights(sizes, 3);
        return ModelBundle.create(manifest(List.of("cpu", "mem", "net"), 2, true, sizes, holdout(500, 4)), wb[0], wb[1]);
    }

    /** {@link #small()} as a bundle of an older {@code formatVersion} wrote it (same fields and weights). */
    static ModelBundle small(int formatVersion) throws InvalidModelException {
        ModelBundle b = small();
        ModelManifest m = b.manifest();
        return ModelBundle.create(new ModelManifest(formatVersion, m.version(), m.createdAt(), m.featureNames(), m.named(),
                m.window(), m.differences(), m.normaliser(), m.architecture(), m.calibration(), m.threshold(),
                m.criticThreshold(), m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), m.alarm(),
                m.keyStandardise(), null), b.criticWeights(), b.criticBiases());
    }

    /** {@link #small()} with its normaliser's squash and marks set, written as bundle format {@code formatVersion}. */
    static ModelBundle withSquash(String squash, boolean[] squashed, int formatVersion) throws InvalidModelException {
        ModelBundle b = small();
        ModelManifest m = b.manifest();
        ModelManifest.NormaliserSpec n = m.normaliser();
        return ModelBundle.create(new ModelManifest(formatVersion, m.version(), m.createdAt(), m.featureNames(), m.named(),
                m.window(), m.differences(), new ModelManifest.NormaliserSpec(n.kind(), n.centre(), n.scale(), squash, squashed),
                m.architecture(), m.calibration(), m.threshold(), m.criticThreshold(), m.thresholdQuantile(), m.training(),
                m.trainingData(), m.metrics(), m.alarm(), m.keyStandardise(), null), b.criticWeights(), b.criticBiases());
    }

    /** {@link #small()} with level-free marks ({@code features.level=auto}), written as bundle format {@code formatVersion}. */
    static ModelBundle withLevelFree(boolean[] levelFree, int formatVersion, boolean differences) throws InvalidModelException {
        ModelBundle b = small();
        ModelManifest m = b.manifest();
        ModelManifest.NormaliserSpec n = m.normaliser();
        return ModelBundle.create(new ModelManifest(formatVersion, m.version(), m.createdAt(), m.featureNames(), m.named(),
                m.window(), differences, new ModelManifest.NormaliserSpec(n.kind(), n.centre(), n.scale(), n.squash(), n.squashed(),
                levelFree), m.architecture(), m.calibration(), m.threshold(), m.criticThreshold(), m.thresholdQuantile(),
                m.training(), m.trainingData(), m.metrics(), m.alarm(), m.keyStandardise(), null), b.criticWeights(), b.criticBiases());
    }

    /** The conditional generator of {@link #conditional}: context 6 (older values, older differences) + latent 2 in, 3 out. */
    static final int[] CONDITIONAL_GENERATOR = {8, 8, 3};

    /**
     * {@link #small()}'s critic (3 features, window 2 with differences: 12 inputs) as a conditional
     * model ({@code train.conditional}) with generator {@link #CONDITIONAL_GENERATOR}, in the given format.
     */
    static ModelBundle conditional(int formatVersion) throws InvalidModelException {
        ModelBundle b = small();
        ModelManifest m = b.manifest();
        float[][][] g = weights(CONDITIONAL_GENERATOR, 8);
        return ModelBundle.create(conditionalManifest(m, formatVersion, new ModelManifest.Conditional(CONDITIONAL_GENERATOR, 2,
                6, 3)), b.criticWeights(), b.criticBiases(), new float[0][], new float[0][], null,
                new ConditionalGenerator.Weights(g[0], g[1]));
    }

    /** {@code m} in {@code formatVersion} with the conditional block {@code c}. */
    static ModelManifest conditionalManifest(ModelManifest m, int formatVersion, ModelManifest.Conditional c) {
        return new ModelManifest(formatVersion, m.version(), m.createdAt(), m.featureNames(), m.named(), m.window(),
                m.differences(), m.normaliser(), m.architecture(), m.calibration(), m.threshold(), m.criticThreshold(),
                m.thresholdQuantile(), m.training(), m.trainingData(), m.metrics(), m.alarm(), m.keyStandardise(), null, null,
                c, null);
    }
}
