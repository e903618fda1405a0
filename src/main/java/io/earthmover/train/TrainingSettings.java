package io.earthmover.train;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training configuration, one field per configuration key (see {@link ConfigKeys}).
 *
 * @param window            {@code features.window}
 * @param differences       {@code features.differences}
 * @param normaliser        {@code features.normaliser}: standard or robust
 * @param iterations        {@code train.iterations}: maximum generator iterations
 * @param batchSize         {@code train.batch.size}
 * @param criticSteps       {@code train.critic.steps} (n_critic)
 * @param lambda            {@code train.gp.lambda}
 * @param learningRate      {@code train.learning.rate} (Adam, both networks)
 * @param beta1             {@code train.adam.beta1}
 * @param beta2             {@code train.adam.beta2}
 * @param seed              {@code train.seed}
 * @param latentSize        {@code train.latent.size}
 * @param generatorHidden   {@code train.generator.hidden}
 * @param criticHidden      {@code train.critic.hidden}
 * @param layerNorm         {@code train.critic.layer.norm} (not supported by this build; must be false)
 * @param earlyStopPatience {@code train.early.stop.patience} (0 = never stop early)
 * @param holdoutFraction   {@code train.holdout.fraction}
 * @param thresholdQuantile {@code calibration.threshold.quantile}
 */
public record TrainingSettings(int window, boolean differences, String normaliser, int iterations, int batchSize,
                               int criticSteps, double lambda, double learningRate, double beta1, double beta2,
                               long seed, int latentSize, int[] generatorHidden, int[] criticHidden, boolean layerNorm,
                               int earlyStopPatience, double holdoutFraction, double thresholdQuantile,
                               double auxFraction, double auxNoise) {
    public static final int DEFAULT_WINDOW = 1;
    public static final boolean DEFAULT_DIFFERENCES = false;
    public static final String DEFAULT_NORMALISER = "standard";
    public static final int DEFAULT_ITERATIONS = 2000;
    public static final int DEFAULT_BATCH_SIZE = 256;
    public static final int DEFAULT_CRITIC_STEPS = 5;
    public static final double DEFAULT_LAMBDA = 10.0;
    public static final double DEFAULT_LEARNING_RATE = 1e-4;
    public static final double DEFAULT_BETA1 = 0.0;
    public static final double DEFAULT_BETA2 = 0.9;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_LATENT_SIZE = 16;
    public static final int[] DEFAULT_GENERATOR_HIDDEN = {128, 128};
    public static final int[] DEFAULT_CRITIC_HIDDEN = {128, 128};
    public static final boolean DEFAULT_LAYER_NORM = false;
    public static final int DEFAULT_EARLY_STOP_PATIENCE = 200;
    public static final double DEFAULT_HOLDOUT_FRACTION = 0.2;
    public static final double DEFAULT_THRESHOLD_QUANTILE = 0.995;
    /** Share of each critic step's fake batch replaced by auxiliary negatives (0 = plain WGAN-GP). */
    public static final double DEFAULT_AUX_FRACTION = 0.5;
    /** Std of the noise added to real rows to make near-manifold negatives, in normalised units. */
    public static final double DEFAULT_AUX_NOISE = 1.0;

    /** The settings without auxiliary negatives' knobs: they take their defaults. */
    public TrainingSettings(int window, boolean differences, String normaliser, int iterations, int batchSize,
                            int criticSteps, double lambda, double learningRate, double beta1, double beta2,
                            long seed, int latentSize, int[] generatorHidden, int[] criticHidden, boolean layerNorm,
                            int earlyStopPatience, double holdoutFraction, double thresholdQuantile) {
        this(window, differences, normaliser, iterations, batchSize, criticSteps, lambda, learningRate, beta1, beta2, seed,
                latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience, holdoutFraction, thresholdQuantile,
                DEFAULT_AUX_FRACTION, DEFAULT_AUX_NOISE);
    }

    public TrainingSettings {
        require(window >= 1, "window must be at least 1");
        require("standard".equals(normaliser) || "robust".equals(normaliser), "normaliser must be standard or robust");
        require(iterations >= 1, "iterations must be at least 1");
        require(batchSize >= 2, "batch size must be at least 2");
        require(criticSteps >= 1, "critic steps must be at least 1");
        require(lambda >= 0 && Double.isFinite(lambda), "lambda must be a finite non-negative number");
        require(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0,1)");
        require(latentSize >= 1, "latent size must be at least 1");
        require(generatorHidden != null && generatorHidden.length > 0 && Arrays.stream(generatorHidden).allMatch(x -> x > 0),
                "generator hidden sizes must be positive");
        require(criticHidden != null && criticHidden.length > 0 && Arrays.stream(criticHidden).allMatch(x -> x > 0),
                "critic hidden sizes must be positive");
        require(earlyStopPatience >= 0, "early-stop patience must not be negative");
        require(holdoutFraction > 0 && holdoutFraction < 1, "holdout fraction must be in (0,1)");
        require(thresholdQuantile > 0 && thresholdQuantile < 1, "threshold quantile must be in (0,1)");
        require(auxFraction >= 0 && auxFraction < 1, "auxiliary fraction must be in [0,1)");
        require(auxNoise > 0 && Double.isFinite(auxNoise), "auxiliary noise must be positive");
        generatorHidden = generatorHidden.clone();
        criticHidden = criticHidden.clone();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainingSettings defaults() {
        return new TrainingSettings(DEFAULT_WINDOW, DEFAULT_DIFFERENCES, DEFAULT_NORMALISER, DEFAULT_ITERATIONS,
                DEFAULT_BATCH_SIZE, DEFAULT_CRITIC_STEPS, DEFAULT_LAMBDA, DEFAULT_LEARNING_RATE, DEFAULT_BETA1,
                DEFAULT_BETA2, DEFAULT_SEED, DEFAULT_LATENT_SIZE, DEFAULT_GENERATOR_HIDDEN, DEFAULT_CRITIC_HIDDEN,
                DEFAULT_LAYER_NORM, DEFAULT_EARLY_STOP_PATIENCE, DEFAULT_HOLDOUT_FRACTION, DEFAULT_THRESHOLD_QUANTILE);
    }

    public static TrainingSettings from(EarthmoverConfig c) {
        return new TrainingSettings(c.get(ConfigKeys.FEATURES_WINDOW), c.get(ConfigKeys.FEATURES_DIFFERENCES),
                c.get(ConfigKeys.FEATURES_NORMALISER), c.get(ConfigKeys.TRAIN_ITERATIONS), c.get(ConfigKeys.TRAIN_BATCH),
                c.get(ConfigKeys.TRAIN_CRITIC_STEPS), c.get(ConfigKeys.TRAIN_LAMBDA), c.get(ConfigKeys.TRAIN_LR),
                c.get(ConfigKeys.TRAIN_BETA1), c.get(ConfigKeys.TRAIN_BETA2), c.get(ConfigKeys.TRAIN_SEED),
                c.get(ConfigKeys.TRAIN_LATENT), c.get(ConfigKeys.TRAIN_GEN_HIDDEN), c.get(ConfigKeys.TRAIN_CRITIC_HIDDEN),
                c.get(ConfigKeys.TRAIN_LAYER_NORM), c.get(ConfigKeys.TRAIN_PATIENCE), c.get(ConfigKeys.TRAIN_HOLDOUT),
                c.get(ConfigKeys.CALIBRATION_QUANTILE), c.get(ConfigKeys.TRAIN_AUX_FRACTION), c.get(ConfigKeys.TRAIN_AUX_NOISE));
    }

    @Override
    public int[] generatorHidden() {
        return generatorHidden.clone();
    }

    @Override
    public int[] criticHidden() {
        return criticHidden.clone();
    }

    public TrainingSettings withAux(double fraction, double noise) {
        return new TrainingSettings(window, differences, normaliser, iterations, batchSize, criticSteps, lambda, learningRate,
                beta1, beta2, seed, latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, fraction, noise);
    }

    public TrainingSettings withIterations(int n) {
        return new TrainingSettings(window, differences, normaliser, n, batchSize, criticSteps, lambda, learningRate,
                beta1, beta2, seed, latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withSeed(long s) {
        return new TrainingSettings(window, differences, normaliser, iterations, batchSize, criticSteps, lambda,
                learningRate, beta1, beta2, s, latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withBatchSize(int b) {
        return new TrainingSettings(window, differences, normaliser, iterations, b, criticSteps, lambda, learningRate,
                beta1, beta2, seed, latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withLearningRate(double lr) {
        return new TrainingSettings(window, differences, normaliser, iterations, batchSize, criticSteps, lambda, lr,
                beta1, beta2, seed, latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withNetworks(int latent, int[] generator, int[] critic) {
        return new TrainingSettings(window, differences, normaliser, iterations, batchSize, criticSteps, lambda,
                learningRate, beta1, beta2, seed, latent, generator, critic, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withWindow(int w, boolean diff) {
        return new TrainingSettings(w, diff, normaliser, iterations, batchSize, criticSteps, lambda, learningRate,
                beta1, beta2, seed, latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withNormaliser(String kind) {
        return new TrainingSettings(window, differences, kind, iterations, batchSize, criticSteps, lambda, learningRate,
                beta1, beta2, seed, latentSize, generatorHidden, criticHidden, layerNorm, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withEarlyStopPatience(int p) {
        return new TrainingSettings(window, differences, normaliser, iterations, batchSize, criticSteps, lambda,
                learningRate, beta1, beta2, seed, latentSize, generatorHidden, criticHidden, layerNorm, p,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    public TrainingSettings withLayerNorm(boolean ln) {
        return new TrainingSettings(window, differences, normaliser, iterations, batchSize, criticSteps, lambda,
                learningRate, beta1, beta2, seed, latentSize, generatorHidden, criticHidden, ln, earlyStopPatience,
                holdoutFraction, thresholdQuantile, auxFraction, auxNoise);
    }

    /** The settings as a map for the model manifest (configuration key names). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ConfigKeys.FEATURES_WINDOW.name(), window);
        m.put(ConfigKeys.FEATURES_DIFFERENCES.name(), differences);
        m.put(ConfigKeys.FEATURES_NORMALISER.name(), normaliser);
        m.put(ConfigKeys.TRAIN_ITERATIONS.name(), iterations);
        m.put(ConfigKeys.TRAIN_BATCH.name(), batchSize);
        m.put(ConfigKeys.TRAIN_CRITIC_STEPS.name(), criticSteps);
        m.put(ConfigKeys.TRAIN_LAMBDA.name(), lambda);
        m.put(ConfigKeys.TRAIN_LR.name(), learningRate);
        m.put(ConfigKeys.TRAIN_BETA1.name(), beta1);
        m.put(ConfigKeys.TRAIN_BETA2.name(), beta2);
        m.put(ConfigKeys.TRAIN_SEED.name(), seed);
        m.put(ConfigKeys.TRAIN_LATENT.name(), latentSize);
        m.put(ConfigKeys.TRAIN_GEN_HIDDEN.name(), generatorHidden.clone());
        m.put(ConfigKeys.TRAIN_CRITIC_HIDDEN.name(), criticHidden.clone());
        m.put(ConfigKeys.TRAIN_LAYER_NORM.name(), layerNorm);
        m.put(ConfigKeys.TRAIN_PATIENCE.name(), earlyStopPatience);
        m.put(ConfigKeys.TRAIN_HOLDOUT.name(), holdoutFraction);
        m.put(ConfigKeys.CALIBRATION_QUANTILE.name(), thresholdQuantile);
        m.put(ConfigKeys.TRAIN_AUX_FRACTION.name(), auxFraction);
        m.put(ConfigKeys.TRAIN_AUX_NOISE.name(), auxNoise);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingSettings t && toString().equals(t.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TrainingSettings[");
        toMap().forEach((k, v) -> sb.append(k).append('=').append(v instanceof int[] a ? Arrays.toString(a) : v).append(", "));
        sb.setLength(sb.length() - 2);
        return sb.append(']').toString();
    }
}
