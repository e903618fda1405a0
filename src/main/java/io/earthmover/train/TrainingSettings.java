package io.earthmover.train;

import io.earthmover.config.ConfigKey;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.Squash;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training configuration, one field per configuration key (see {@link ConfigKeys}).
 *
 * @param window            {@code features.window}
 * @param differences       {@code features.differences}
 * @param normaliser        {@code features.normaliser}: standard or robust
 * @param squash            {@code features.squash}: none, asinh or auto
 * @param level             {@code features.level}: keep or auto
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
 * @param layerNorm         {@code train.critic.layer.norm}: layer norm in the critic's hidden layers
 * @param earlyStopPatience {@code train.early.stop.patience} (0 = never stop early)
 * @param holdoutFraction   {@code train.holdout.fraction}
 * @param thresholdQuantile {@code calibration.threshold.quantile}
 * @param auxFraction       {@code train.aux.fraction}
 * @param auxNoise          {@code train.aux.noise}
 * @param loss              {@code train.loss}: wgan-gp, wgan-cp or gan
 * @param clipValue         {@code train.clip.value} (wgan-cp)
 * @param ensembleSize      {@code train.ensemble.size}: critics trained with seeds {@code seed, seed+1, ...}
 * @param encoder           {@code train.encoder}: an encoder trained with the generator (cycle consistency)
 * @param cycleWeight       {@code train.cycle.weight}
 * @param reconstructionWeight {@code train.reconstruction.weight}: share of the reconstruction error in the served value
 * @param gpNorm            {@code train.gp.norm}: l2 or l1, the norm of the input gradient the penalty holds at 1
 * @param conditional       {@code train.conditional}: the generator produces the newest step given the older ones
 */
public record TrainingSettings(int window, boolean differences, String normaliser, String squash, String level, int iterations, int batchSize,
                               int criticSteps, double lambda, double learningRate, double beta1, double beta2,
                               long seed, int latentSize, int[] generatorHidden, int[] criticHidden, boolean layerNorm,
                               int earlyStopPatience, double holdoutFraction, double thresholdQuantile,
                               double auxFraction, double auxNoise, String loss, double clipValue,
                               int ensembleSize, boolean encoder, double cycleWeight, double reconstructionWeight,
                               String gpNorm, boolean conditional) {
    public TrainingSettings {
        require(window >= 1, "window must be at least 1");
        require("standard".equals(normaliser) || "robust".equals(normaliser), "normaliser must be standard or robust");
        require(squash != null && isSquash(squash), "squash must be none, asinh or auto");
        require("keep".equals(level) || "auto".equals(level), "level must be keep or auto");
        // the parameter, not levelAuto(): a compact constructor's fields are assigned at its end
        boolean levelAuto = "auto".equals(level);
        require(!levelAuto || differences, "features.level=auto needs features.differences=true: a slow feature enters by its differences alone");
        require(!levelAuto || !conditional, "train.conditional cannot be combined with features.level=auto: its generator produces the newest level");
        require(!levelAuto || !encoder, "train.encoder cannot be combined with features.level=auto: its expected value reads the newest level");
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
        require(loss != null && ConfigKeys.TRAIN_LOSS.parse().apply(loss).equals(loss), "loss must be wgan-gp, wgan-cp or gan");
        require(clipValue > 0 && Double.isFinite(clipValue), "clip value must be positive");
        require(ensembleSize >= 1, "ensemble size must be at least 1");
        require(ensembleSize == 1 || !layerNorm, "an ensemble of critics (train.ensemble.size > 1) cannot have layer norm"
                + " (train.critic.layer.norm): the members are served as one wider critic, whose norm would mix them");
        require(cycleWeight >= 0 && Double.isFinite(cycleWeight), "cycle weight must be a finite non-negative number");
        require(reconstructionWeight >= 0 && reconstructionWeight < 1, "reconstruction weight must be in [0,1)");
        require("l2".equals(gpNorm) || "l1".equals(gpNorm), "penalty norm must be l2 or l1");
        require(!conditional || !encoder, "train.conditional cannot be combined with train.encoder");
        require(!conditional || Squash.of(squash) == Squash.NONE, "train.conditional cannot be combined with features.squash="
                + squash + ": its assembled newest difference needs linear inputs");
        require(!conditional || window >= 2, "train.conditional needs features.window of at least 2");
        generatorHidden = generatorHidden.clone();
        criticHidden = criticHidden.clone();
    }

    private static boolean isSquash(String name) {
        try {
            return Squash.of(name) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether slow features enter by their differences alone ({@code features.level=auto}, {@link io.earthmover.features.SlowFeatures}). */
    public boolean levelAuto() {
        return "auto".equals(level);
    }

    /** The featuriser's squash ({@code features.squash}). */
    public Squash inputSquash() {
        return Squash.of(squash);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Where a setting's value comes from: the validated configuration, or another settings' values. */
    private interface Source {
        <T> T get(ConfigKey<T> key);
    }

    /** Every key at its default (the defaults live in {@link ConfigKeys}, nowhere else). */
    public static TrainingSettings defaults() {
        return from(EarthmoverConfig.defaults());
    }

    public static TrainingSettings from(EarthmoverConfig c) {
        return read(c::get);
    }

    private static TrainingSettings read(Source c) {
        return new TrainingSettings(c.get(ConfigKeys.FEATURES_WINDOW), c.get(ConfigKeys.FEATURES_DIFFERENCES),
                c.get(ConfigKeys.FEATURES_NORMALISER), c.get(ConfigKeys.FEATURES_SQUASH), c.get(ConfigKeys.FEATURES_LEVEL), c.get(ConfigKeys.TRAIN_ITERATIONS), c.get(ConfigKeys.TRAIN_BATCH),
                c.get(ConfigKeys.TRAIN_CRITIC_STEPS), c.get(ConfigKeys.TRAIN_LAMBDA), c.get(ConfigKeys.TRAIN_LR),
                c.get(ConfigKeys.TRAIN_BETA1), c.get(ConfigKeys.TRAIN_BETA2), c.get(ConfigKeys.TRAIN_SEED),
                c.get(ConfigKeys.TRAIN_LATENT), c.get(ConfigKeys.TRAIN_GEN_HIDDEN), c.get(ConfigKeys.TRAIN_CRITIC_HIDDEN),
                c.get(ConfigKeys.TRAIN_LAYER_NORM), c.get(ConfigKeys.TRAIN_PATIENCE), c.get(ConfigKeys.TRAIN_HOLDOUT),
                c.get(ConfigKeys.CALIBRATION_QUANTILE), c.get(ConfigKeys.TRAIN_AUX_FRACTION), c.get(ConfigKeys.TRAIN_AUX_NOISE),
                c.get(ConfigKeys.TRAIN_LOSS), c.get(ConfigKeys.TRAIN_CLIP), c.get(ConfigKeys.TRAIN_ENSEMBLE),
                c.get(ConfigKeys.TRAIN_ENCODER), c.get(ConfigKeys.TRAIN_CYCLE_WEIGHT), c.get(ConfigKeys.TRAIN_RECONSTRUCTION_WEIGHT),
                c.get(ConfigKeys.TRAIN_GP_NORM), c.get(ConfigKeys.TRAIN_CONDITIONAL));
    }

    /**
     * These settings with one key changed. The value passes the key's own check (range, choices),
     * so a programmatic setting is refused exactly where the same value in a config file would be.
     *
     * @throws IllegalArgumentException if the key is not a training setting or the value is not allowed
     */
    public <T> TrainingSettings with(ConfigKey<T> key, T value) {
        Map<String, Object> values = toMap();
        if (!values.containsKey(key.name())) {
            throw new IllegalArgumentException(key.name() + " is not a training setting");
        }
        T checked;
        try {
            checked = key.parse().apply(ConfigKey.text(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key.name() + ": " + e.getMessage() + " (allowed: " + key.allowed() + ")", e);
        }
        values.put(key.name(), checked);
        return read(new Source() {
            @Override
            public <U> U get(ConfigKey<U> k) {
                return k.type().cast(values.get(k.name()));
            }
        });
    }

    @Override
    public int[] generatorHidden() {
        return generatorHidden.clone();
    }

    @Override
    public int[] criticHidden() {
        return criticHidden.clone();
    }

    /** Whether the penalty holds the L1 norm of the input gradient at 1 ({@code train.gp.norm=l1}). */
    public boolean l1Penalty() {
        return "l1".equals(gpNorm);
    }

    /** The adversarial loss of {@code train.loss}. */
    public GanLoss ganLoss() {
        return GanLoss.of(loss);
    }

    /**
     * The learning rate training uses. The rule: with wgan-cp, {@code train.learning.rate} at its
     * default (1e-4, chosen for Adam) stands for Arjovsky et al.'s RMSProp rate, 5e-5; any other
     * value is used as set, for every loss.
     */
    public double effectiveLearningRate() {
        boolean atDefault = learningRate == ConfigKeys.TRAIN_LR.defaultValue();
        return ganLoss() == GanLoss.WGAN_CP && atDefault ? ConfigKeys.WGAN_CP_LEARNING_RATE : learningRate;
    }

    /** The settings as a map for the model manifest (configuration key names). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ConfigKeys.FEATURES_WINDOW.name(), window);
        m.put(ConfigKeys.FEATURES_DIFFERENCES.name(), differences);
        m.put(ConfigKeys.FEATURES_NORMALISER.name(), normaliser);
        m.put(ConfigKeys.FEATURES_SQUASH.name(), squash);
        m.put(ConfigKeys.FEATURES_LEVEL.name(), level);
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
        m.put(ConfigKeys.TRAIN_LOSS.name(), loss);
        m.put(ConfigKeys.TRAIN_CLIP.name(), clipValue);
        m.put(ConfigKeys.TRAIN_ENSEMBLE.name(), ensembleSize);
        m.put(ConfigKeys.TRAIN_ENCODER.name(), encoder);
        m.put(ConfigKeys.TRAIN_CYCLE_WEIGHT.name(), cycleWeight);
        m.put(ConfigKeys.TRAIN_RECONSTRUCTION_WEIGHT.name(), reconstructionWeight);
        m.put(ConfigKeys.TRAIN_GP_NORM.name(), gpNorm);
        m.put(ConfigKeys.TRAIN_CONDITIONAL.name(), conditional);
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
