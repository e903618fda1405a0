package io.earthmover.train;

import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Normaliser;
import io.earthmover.model.Calibration;
import io.earthmover.model.ConditionalGenerator;
import io.earthmover.model.ConditionalLayout;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ScoreResult;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ModelManifest;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * After the loop: calibrates the critic on the holdout (score table, threshold at the configured
 * quantile), measures it against generated samples, and packages critic, calibration and
 * manifest as a validated {@link ModelBundle} with its {@link TrainingReport}.
 */
final class BundleAssembler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BundleAssembler.class);
    /** Generated samples for the report and metrics, at least. */
    static final int MIN_GENERATED = 2000;
    /** Iterations at the end of training whose gradient penalty is averaged for the manifest. */
    static final int PENALTY_TAIL = 50;
    /** Floor under the holdout standard deviations the reconstruction combination divides by. */
    static final double MIN_STD = 1e-12;

    private final TrainingSettings s;
    private final Random rng;

    /** @param rng the trainer's random source, after the loop (draws the generated samples) */
    BundleAssembler(TrainingSettings s, Random rng) {
        this.s = s;
        this.rng = rng;
    }

    TrainingOutcome assemble(PreparedData data, TrainingLoop.Result trained, FeatureSchema schema,
                             Map<String, Object> trainingData, String runtime, long startNanos) throws TrainingException {
        int d = data.inputSize();
        int holdoutCount = data.holdout().length;
        double[] holdoutD = Nd4jBatches.criticValues(trained.critic(), data.holdout(), d);
        double[] holdoutR = trained.encoder() == null ? null
                : Nd4jBatches.reconstructionErrors(trained.encoder(), trained.generator(), data.holdout(), d);
        ModelManifest.Reconstruction reconstruction = holdoutR == null ? null : reconstruction(holdoutD, holdoutR);
        int generatedCount = Math.max(MIN_GENERATED, holdoutCount);
        CalibrationFloor.Values served;
        double[] holdoutCritic;
        float[][] generated;
        if (s.conditional()) {
            // the served value D(x) - D(ref(x)) comes from the scorer itself (one implementation): a provisional
            // bundle with these networks and a placeholder calibration, whose FastScorer computes it
            ModelBundle provisional = bundle(manifest(data, trained, schema, Calibration.fit(holdoutD), 0.5, 0,
                    PLACEHOLDER_METRICS, trainingData, null), trained);
            served = rows -> scorerValues(provisional, rows);
            holdoutCritic = served.of(data.holdout());
            generated = Nd4jBatches.generateConditional(trained.generator(), layout(data, schema), data.holdout(),
                    generatedCount, s.latentSize(), rng);
        } else {
            served = rows -> servedValues(trained, reconstruction, rows, d);
            holdoutCritic = reconstruction == null ? holdoutD : combined(reconstruction, holdoutD, holdoutR);
            generated = Nd4jBatches.generate(trained.generator(), generatedCount, s.latentSize(), d, rng);
        }
        double[] generatedCritic = served.of(generated);
        if (!allFinite(holdoutCritic) || !allFinite(generatedCritic)) {
            throw new TrainingException("the trained critic gives non-finite values; no model was saved");
        }
        double floor = CalibrationFloor.response(served, data.holdout(), d, QualityGate.SMALL_SHIFT_SCALE_UNITS, rng);
        double[] calibrationValues = CalibrationFloor.apply(holdoutCritic, floor);
        if (calibrationValues != holdoutCritic) {
            LOG.info("holdout critic values spread less ({}) than the critic moves for a shift of {} of the data's scale"
                    + " ({}): calibrating on them spread to that floor", Normaliser.std(holdoutCritic,
                    Normaliser.mean(holdoutCritic)), QualityGate.SMALL_SHIFT_SCALE_UNITS, floor);
        }
        Calibration cal = Calibration.fit(calibrationValues);
        double[] sorted = calibrationValues.clone();
        Arrays.sort(sorted);
        double criticThreshold = Normaliser.quantileSorted(sorted, 1 - s.thresholdQuantile());
        double threshold = cal.score(criticThreshold);
        int flagged = 0;
        for (double v : holdoutCritic) {
            if (cal.score(v) >= threshold) {
                flagged++;
            }
        }
        double hMean = Normaliser.mean(holdoutCritic);
        double hStd = Normaliser.std(holdoutCritic, hMean);
        double gMean = Normaliser.mean(generatedCritic);
        List<IterationStats> history = trained.history();
        double duration = (System.nanoTime() - startNanos) / 1e9;
        ModelManifest.Metrics metrics = new ModelManifest.Metrics(hMean - gMean, penaltyTail(history), hMean, hStd, gMean,
                (hMean - gMean) / Math.max(hStd, 1e-12), (double) flagged / holdoutCount, history.size(), duration,
                trained.earlyStopped(), data.train().length, holdoutCount);
        ModelManifest manifest = manifest(data, trained, schema, cal, threshold, criticThreshold, metrics,
                trainingData, reconstruction);
        ModelBundle bundle = bundle(manifest, trained);
        TrainingReport report = new TrainingReport(manifest.version(), runtime, history, holdoutCritic, generatedCritic,
                trained.earlyStopped(), metrics, criticThreshold);
        return new TrainingOutcome(bundle, report);
    }

    /** Stands in for the metrics in the provisional bundle of a conditional model (the scorer reads none of them). */
    private static final ModelManifest.Metrics PLACEHOLDER_METRICS = new ModelManifest.Metrics(0, 0, 0, 1, 0, 0, 0, 0, 0,
            false, 0, 0);

    private ConditionalLayout layout(PreparedData data, FeatureSchema schema) {
        return new ConditionalLayout(schema.size(), s.window(), s.differences());
    }

    /** The served values of rows as the bundle's own scorer computes them. */
    static double[] scorerValues(ModelBundle b, float[][] rows) {
        FastScorer scorer = b.newScorer(0);
        ScoreResult r = new ScoreResult(0);
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            scorer.score(rows[i], r, false);
            out[i] = r.critic;
        }
        return out;
    }

    /**
     * With an encoder, how the served value combines the critic and the reconstruction error:
     * both standardised on the holdout's values given here (floored so a constant one cannot divide by zero).
     */
    private ModelManifest.Reconstruction reconstruction(double[] critic, double[] error) {
        double cm = Normaliser.mean(critic);
        double em = Normaliser.mean(error);
        return new ModelManifest.Reconstruction(s.reconstructionWeight(), cm, Math.max(Normaliser.std(critic, cm), MIN_STD), em,
                Math.max(Normaliser.std(error, em), MIN_STD));
    }

    /** What the scorer serves for these rows: the critic value, or its combination with the reconstruction error. */
    private static double[] servedValues(TrainingLoop.Result trained, ModelManifest.Reconstruction r, float[][] rows, int d) {
        double[] critic = Nd4jBatches.criticValues(trained.critic(), rows, d);
        if (r == null) {
            return critic;
        }
        return combined(r, critic, Nd4jBatches.reconstructionErrors(trained.encoder(), trained.generator(), rows, d));
    }

    /** The served values for critic values and reconstruction errors, row by row (into {@code critic}). */
    private static double[] combined(ModelManifest.Reconstruction r, double[] critic, double[] error) {
        for (int i = 0; i < critic.length; i++) {
            critic[i] = r.value(critic[i], error[i]);
        }
        return critic;
    }

    private ModelManifest manifest(PreparedData data, TrainingLoop.Result trained, FeatureSchema schema, Calibration cal,
                                   double threshold, double criticThreshold, ModelManifest.Metrics metrics,
                                   Map<String, Object> trainingData, ModelManifest.Reconstruction reconstruction) {
        Mlp critic = trained.critic();
        int[] encoderSizes = trained.encoder() == null ? null : trained.encoder().sizes();
        Instant now = Instant.now();
        String version = ModelBundle.newVersionId(now, ThreadLocalRandom.current());
        Normaliser normaliser = data.normaliser();
        return new ModelManifest(ModelBundle.FORMAT_VERSION, version, now.toString(), schema.names(),
                schema.named(), s.window(), s.differences(),
                new ModelManifest.NormaliserSpec(normaliser.kind(), normaliser.centre(), normaliser.scale(),
                        s.inputSquash().configName(), data.featuriser().squashed(),
                        data.featuriser().anyLevelFree() ? data.featuriser().levelFree() : null),
                new ModelManifest.Architecture(data.inputSize(), critic.sizes(), trained.generator().sizes(), critic.layerNorm(),
                        critic.slope(), ModelBundle.WEIGHTS_FORMAT, encoderSizes),
                new ModelManifest.CalibrationTable(data.holdout().length, cal.values(), cal.cdf(),
                        medians(data.holdout(), data.inputSize())),
                threshold, criticThreshold, s.thresholdQuantile(), s.toMap(),
                trainingData == null ? Map.of() : new LinkedHashMap<>(trainingData), metrics, null, null, reconstruction, null,
                s.conditional() ? new ModelManifest.Conditional(trained.generator().sizes(), s.latentSize(),
                        layout(data, schema).contextSize(), schema.size()) : null, null);
    }

    private static ModelBundle bundle(ModelManifest manifest, TrainingLoop.Result trained) throws TrainingException {
        Mlp critic = trained.critic();
        float[][] weights = weights(critic);
        float[][] biases = biases(critic);
        int norms = critic.layerNorm() ? critic.layers() - 1 : 0;
        float[][] gains = new float[norms][];
        float[][] shifts = new float[norms][];
        for (int k = 0; k < norms; k++) {
            gains[k] = critic.gainAsFloats(k);
            shifts[k] = critic.shiftAsFloats(k);
        }
        Mlp enc = trained.encoder();
        Mlp gen = trained.generator();
        ModelBundle.Autoencoder autoencoder = enc == null ? null
                : new ModelBundle.Autoencoder(weights(enc), biases(enc), weights(gen), biases(gen));
        try {
            ConditionalGenerator.Weights conditional = manifest.conditional() == null ? null
                    : new ConditionalGenerator.Weights(weights(gen), biases(gen));
            return ModelBundle.create(manifest, weights, biases, gains, shifts, autoencoder, conditional);
        } catch (InvalidModelException e) {
            throw new TrainingException("the trained model failed validation: " + e.getMessage());
        }
    }

    private static float[][] weights(Mlp net) {
        float[][] w = new float[net.layers()][];
        for (int l = 0; l < w.length; l++) {
            w[l] = net.weightsAsFloats(l);
        }
        return w;
    }

    private static float[][] biases(Mlp net) {
        float[][] b = new float[net.layers()][];
        for (int l = 0; l < b.length; l++) {
            b[l] = net.biasAsFloats(l);
        }
        return b;
    }

    private static double penaltyTail(List<IterationStats> history) {
        int tail = Math.min(history.size(), PENALTY_TAIL);
        double sum = 0;
        for (int i = history.size() - tail; i < history.size(); i++) {
            sum += history.get(i).gradientPenalty();
        }
        return sum / Math.max(tail, 1);
    }

    private static double[] medians(float[][] rows, int d) {
        double[] m = new double[d];
        double[] col = new double[rows.length];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < rows.length; i++) {
                col[i] = rows[i][j];
            }
            Arrays.sort(col);
            m[j] = Normaliser.quantileSorted(col, 0.5);
        }
        return m;
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
