package io.earthmover.train;

import io.earthmover.features.FeatureSchema;
import io.earthmover.model.ModelBundle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a WGAN-GP on normal data and packages the critic as a {@link ModelBundle}, in three
 * parts: {@link PreparedData} (checks, normaliser, shingles, the seeded holdout split),
 * {@link TrainingLoop} (Adam, n_critic critic steps per generator step, {@link EarlyStopping},
 * abort on NaN or Inf) and {@link BundleAssembler} (calibration on the holdout, manifest, bundle).
 *
 * <p>Reproducible: all randomness comes from one {@code java.util.Random(seed)}, passed through
 * the three parts in this order, and ND4J runs on the calling thread, so the same data, settings
 * and seed give the same weights (with a fixed ND4J thread count; one thread is also fastest here,
 * see {@link Nd4jRuntime#configure}).
 */
public final class ModelTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);

    private final DoubleUnaryOperator estimateProbe;

    public ModelTrainer() {
        this(w -> w);
    }

    /** Test seam: {@code estimateProbe} sees each iteration's Wasserstein estimate before the finiteness check. */
    ModelTrainer(DoubleUnaryOperator estimateProbe) {
        this.estimateProbe = estimateProbe;
    }

    /**
     * Trains a model.
     *
     * @param series       one array per key: raw vectors from {@link FeatureSchema#vectorise}, in event-time order
     * @param schema       the feature schema of the vectors
     * @param s            settings
     * @param trainingData free-form description of the data for the manifest (topic, offsets, file)
     * @param listener     progress receiver (console, {@link TrainingMeters}, or both via
     *                     {@link TrainingListener#all}), or null for none
     */
    public TrainingOutcome fit(List<double[][]> series, FeatureSchema schema, TrainingSettings s,
                               Map<String, Object> trainingData, TrainingListener listener) throws TrainingException {
        long t0 = System.nanoTime();
        TrainingListener progress = listener == null ? TrainingListener.none() : listener;
        Random rng = new Random(s.seed());
        PreparedData data = PreparedData.prepare(series, schema, s, rng);
        String runtime = Nd4jRuntime.describe();
        LOG.info("{}", runtime);
        LOG.info("training on {} windows, {} more held out for calibration; critic input size {}; loss {} at learning"
                + " rate {}; {}", data.train().length, data.holdout().length, data.inputSize(), s.loss(),
                s.effectiveLearningRate(), s);
        progress.onStart(s.iterations(), data.train().length, data.holdout().length, runtime);
        TrainingLoop.Result trained = CriticEnsemble.train(
                new TrainingLoop(s, rng, estimateProbe).run(data.train(), data.inputSize(), progress), s, estimateProbe,
                data.train(), data.holdout(), data.inputSize());
        progress.onFinish(trained.last(), trained.earlyStopped());
        TrainingOutcome out = new BundleAssembler(s, rng).assemble(data, trained, schema, trainingData, runtime, t0);
        progress.onTrained(out, Duration.ofNanos(System.nanoTime() - t0));
        ModelBundle b = out.bundle();
        LOG.info("trained model {} in {} s: {} iterations{}, Wasserstein {}, threshold {}", b.version(),
                String.format("%.1f", b.manifest().metrics().durationSeconds()), trained.history().size(),
                trained.earlyStopped() ? " (early stop)" : "", b.wasserstein(), b.threshold());
        return out;
    }
}
