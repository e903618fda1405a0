package io.earthmover.model;

import java.util.List;
import java.util.Map;

/**
 * The manifest of a model bundle, stored as {@code manifest.json} (Jackson). Everything needed to
 * featurise, score and calibrate, plus how the model was trained.
 *
 * @param formatVersion     bundle format; this build reads {@link ModelBundle#FORMAT_VERSION}
 * @param version           unique model id {@code yyyyMMdd-HHmmss-<8 hex>}
 * @param createdAt         ISO-8601 instant
 * @param featureNames      schema order (sorted for named, f0..f{n-1} for positional)
 * @param named             object records (true) or array records (false)
 * @param window            records per key in one critic input
 * @param differences       first differences appended to the window
 * @param normaliser        per-feature centre and scale
 * @param architecture      network shapes
 * @param calibration       holdout critic CDF knots and the attribution baseline
 * @param threshold         score threshold: a record is an anomaly when its score reaches it
 * @param criticThreshold   the same threshold as a critic value (anomaly when D(x) &lt;= it)
 * @param thresholdQuantile holdout quantile the threshold was set at (e.g. 0.995)
 * @param training          the training configuration
 * @param trainingData      caller's description of the data (topic, partitions, offsets, file)
 * @param metrics           final training figures
 * @param alarm             what a new key's alarm state starts from (format 2; null in format 1; its {@code squash}
 *                          from format 10)
 * @param keyStandardise    features are standardised per key before the normaliser (format 2; null = false)
 * @param reconstruction    how the served value combines critic and reconstruction error (format 4, models with an
 *                          encoder; null = the served value is the critic's)
 * @param fallback          set when the quality gate refused this key's first model and it serves anyway as a fallback
 *                          (format 5; null = the gate accepted it): see {@link Fallback}
 * @param conditional       the conditional generator of a {@code train.conditional} model (format 6; null = none):
 *                          the served value is then {@code D(x) - D(ref(x))}, see {@link Conditional}
 * @param sha256            hex SHA-256 over weights.bin followed by this manifest without this field
 */
public record ModelManifest(
        int formatVersion,
        String version,
        String createdAt,
        List<String> featureNames,
        boolean named,
        int window,
        boolean differences,
        NormaliserSpec normaliser,
        Architecture architecture,
        CalibrationTable calibration,
        double threshold,
        double criticThreshold,
        double thresholdQuantile,
        Map<String, Object> training,
        Map<String, Object> trainingData,
        Metrics metrics,
        io.earthmover.alarm.AlarmSeed alarm,
        Boolean keyStandardise,
        Reconstruction reconstruction,
        Fallback fallback,
        Conditional conditional,
        String sha256) {

    /** A manifest of a model the quality gate accepted, without a conditional generator (every format before 5). */
    public ModelManifest(int formatVersion, String version, String createdAt, List<String> featureNames, boolean named,
            int window, boolean differences, NormaliserSpec normaliser, Architecture architecture,
            CalibrationTable calibration, double threshold, double criticThreshold, double thresholdQuantile,
            Map<String, Object> training, Map<String, Object> trainingData, Metrics metrics,
            io.earthmover.alarm.AlarmSeed alarm, Boolean keyStandardise, Reconstruction reconstruction, String sha256) {
        this(formatVersion, version, createdAt, featureNames, named, window, differences, normaliser, architecture,
                calibration, threshold, criticThreshold, thresholdQuantile, training, trainingData, metrics, alarm,
                keyStandardise, reconstruction, null, null, sha256);
    }

    /** A manifest without an encoder (every format before 4, and models trained without {@code train.encoder}). */
    public ModelManifest(int formatVersion, String version, String createdAt, List<String> featureNames, boolean named,
            int window, boolean differences, NormaliserSpec normaliser, Architecture architecture,
            CalibrationTable calibration, double threshold, double criticThreshold, double thresholdQuantile,
            Map<String, Object> training, Map<String, Object> trainingData, Metrics metrics,
            io.earthmover.alarm.AlarmSeed alarm, Boolean keyStandardise, String sha256) {
        this(formatVersion, version, createdAt, featureNames, named, window, differences, normaliser, architecture,
                calibration, threshold, criticThreshold, thresholdQuantile, training, trainingData, metrics, alarm,
                keyStandardise, null, null, null, sha256);
    }

    /**
     * A first model the quality gate refused, served anyway so that its keys are not left without
     * alarms (a service with no model emits nothing at all).
     *
     * @param mode   {@link #RULES}: the range and frozen-value rules alone decide (the critic's scores are
     *               shown, its likelihood never alarms); {@link #MODEL}: the model serves as if accepted
     * @param reason the gate's reason for refusing it
     */
    public record Fallback(String mode, String reason) {
        public static final String RULES = "rules";
        public static final String MODEL = "model";

        /** Whether the alarm layer ignores the critic. */
        public boolean rulesOnly() {
            return RULES.equals(mode);
        }
    }

    /**
     * The conditional generator of a model trained with {@code train.conditional}: it maps the
     * context (the critic input without the newest step, {@link ConditionalLayout}) and a latent
     * vector to the newest record's normalised values. The served value is
     * {@code v(x) = D(x) - D(ref(x))}, {@code ref(x)} = {@code x} with its newest step replaced by
     * {@code G(context, 0)}: how much lower the critic rates the actual newest step than the one
     * the generator expects for the same context. Higher = more normal, as for every model.
     *
     * @param generator   layer sizes, {@code contextSize + latentSize} first, {@code outputs} last
     * @param latentSize  noise inputs (zero at scoring)
     * @param contextSize context inputs
     * @param outputs     the newest step's values: the number of features
     */
    public record Conditional(int[] generator, int latentSize, int contextSize, int outputs) {
    }

    /**
     * @param kind   "standard" (mean/std) or "robust" (median/IQR)
     * @param squash   {@code features.squash} as trained, {@link io.earthmover.features.Squash} (format 7; null = none)
     * @param squashed per feature, whether its inputs go through asinh (format 7; null = none is)
     * @param levelFree per feature, whether it enters by its differences alone (format 9; null = none does)
     */
    public record NormaliserSpec(String kind, double[] centre, double[] scale, String squash, boolean[] squashed,
                                 boolean[] levelFree) {
        /** Without level-free marks (formats before 9, and models trained with features.level=keep). */
        public NormaliserSpec(String kind, double[] centre, double[] scale, String squash, boolean[] squashed) {
            this(kind, centre, scale, squash, squashed, null);
        }
    }

    /**
     * @param inputSize       critic input dimension (features x window, x2 with differences)
     * @param critic          critic layer sizes, input first, 1 last
     * @param generator       generator layer sizes, latent first, inputSize last (not in the bundle's weights)
     * @param layerNorm       layer norm in the critic's hidden layers (format 3 and later)
     * @param leakyReluSlope  negative slope of the hidden activations
     * @param weightsFormat   {@code float32-le}: per critic layer, W row-major (in x out) then b; with layer norm then per hidden layer gain then shift
     */
    public record Architecture(int inputSize, int[] critic, int[] generator, boolean layerNorm,
                               double leakyReluSlope, String weightsFormat, int[] encoder) {
        /** Without an encoder (the generator's weights are then not in the bundle). */
        public Architecture(int inputSize, int[] critic, int[] generator, boolean layerNorm, double leakyReluSlope,
                String weightsFormat) {
            this(inputSize, critic, generator, layerNorm, leakyReluSlope, weightsFormat, null);
        }

        /** Whether the bundle holds an encoder and the generator (format 4). */
        public boolean hasEncoder() {
            return encoder != null;
        }
    }

    /**
     * The served value of a model with an encoder, in the critic's units (higher = more normal):
     * {@code v = criticMean + (1 - w) (D - criticMean) - w (criticStd / errorStd) (R - errorMean)},
     * that is {@code criticMean + criticStd ((1 - w) z(D) - w z(R))}, with {@code R} the mean squared
     * difference between the critic input and its reconstruction {@code G(E(x))} and both
     * standardised on the holdout (TadGAN's combination of critic and reconstruction scores).
     *
     * @param weight     {@code w}, {@code train.reconstruction.weight}
     * @param criticMean holdout mean of the critic value D
     * @param criticStd  its standard deviation
     * @param errorMean  holdout mean of the reconstruction error R
     * @param errorStd   its standard deviation
     */
    public record Reconstruction(double weight, double criticMean, double criticStd, double errorMean, double errorStd) {
        /** The factor of D in the served value. */
        public double criticFactor() {
            return 1 - weight;
        }

        /** The factor of R in the served value (subtracted). */
        public double errorFactor() {
            return weight * criticStd / errorStd;
        }

        /** The served value for critic value {@code d} and reconstruction error {@code r}. */
        public double value(double d, double r) {
            return criticMean + criticFactor() * (d - criticMean) - errorFactor() * (r - errorMean);
        }
    }

    /**
     * @param holdoutSize       holdout records the table was fitted on
     * @param criticValues      ascending critic values (knots)
     * @param cdf               empirical CDF at each knot (mid-ranks)
     * @param attributionBaseline holdout median of every critic input
     */
    public record CalibrationTable(int holdoutSize, double[] criticValues, double[] cdf, double[] attributionBaseline) {
    }

    /**
     * @param wasserstein           mean D(holdout) - mean D(generated) after training
     * @param gradientPenalty       mean (|grad D| - 1)^2 of the last iterations
     * @param holdoutCriticMean     mean critic value of the holdout (drift reference)
     * @param holdoutCriticStd      its standard deviation
     * @param generatedCriticMean   mean critic value of generated samples
     * @param separation            (holdout mean - generated mean) / holdout std
     * @param holdoutFalseAlarmRate share of holdout records flagged at the threshold
     * @param iterations            generator iterations run
     * @param durationSeconds       wall time of training
     * @param earlyStopped          stopped because the Wasserstein estimate plateaued
     * @param trainingSamples       critic inputs trained on
     * @param holdoutSamples        critic inputs held out
     */
    public record Metrics(double wasserstein, double gradientPenalty, double holdoutCriticMean,
                          double holdoutCriticStd, double generatedCriticMean, double separation,
                          double holdoutFalseAlarmRate, int iterations, double durationSeconds,
                          boolean earlyStopped, long trainingSamples, long holdoutSamples) {
    }

    ModelManifest withSha256(String sum) {
        return new ModelManifest(formatVersion, version, createdAt, featureNames, named, window, differences,
                normaliser, architecture, calibration, threshold, criticThreshold, thresholdQuantile, training,
                trainingData, metrics, alarm, keyStandardise, reconstruction, fallback, conditional, sum);
    }

    ModelManifest withAlarm(io.earthmover.alarm.AlarmSeed seed) {
        return new ModelManifest(ModelBundle.FORMAT_VERSION, version, createdAt, featureNames, named, window,
                differences, normaliser, architecture, calibration, threshold, criticThreshold, thresholdQuantile,
                training, trainingData, metrics, seed, keyStandardise, reconstruction, fallback, conditional, null);
    }

    ModelManifest withKeyStandardise(boolean on) {
        return new ModelManifest(ModelBundle.FORMAT_VERSION, version, createdAt, featureNames, named, window,
                differences, normaliser, architecture, calibration, threshold, criticThreshold, thresholdQuantile,
                training, trainingData, metrics, alarm, on, reconstruction, fallback, conditional, null);
    }

    ModelManifest withFallback(Fallback f) {
        return new ModelManifest(ModelBundle.FORMAT_VERSION, version, createdAt, featureNames, named, window,
                differences, normaliser, architecture, calibration, threshold, criticThreshold, thresholdQuantile,
                training, trainingData, metrics, alarm, keyStandardise, reconstruction, f, conditional, null);
    }
}
