package io.earthmover.harness.eval;

import io.earthmover.model.Nd4jRuntime;
import io.earthmover.train.TrainingSettings;

/**
 * {@code wgan}: earthmover's own detector, trained and scored through exactly the code the
 * service uses ({@code ModelTrainer}, {@code Featuriser}, {@code FastScorer}, calibration).
 *
 * <p>One rule per kind of data, fixed before any benchmark was run and the same for every file:
 * <ul>
 *   <li>univariate time series (NAB): window {@value #SERIES_WINDOW} with first differences, robust
 *       normaliser (NAB's series have spikes and long flat stretches, which distort a mean and std);
 *   <li>multivariate time series (SKAB): window {@value #MULTI_WINDOW} with differences, standard
 *       normaliser (the benchmark already standardises on the training rows);
 *   <li>tabular rows: window 1, no differences, standard normaliser.
 * </ul>
 * Networks, iterations and batch are small so that a model trains in a few seconds on one core:
 * see {@link #settings}. On time series the detector retrains every {@code retrainEvery} scored
 * rows on the rows seen so far (at most {@value #MAX_TRAIN_ROWS} of the newest); 0 = never.
 */
public final class WganDetectorFactory implements DetectorFactory {
    public static final String NAME = "wgan";
    public static final int SERIES_WINDOW = 8;
    public static final int MULTI_WINDOW = 2;
    public static final int ITERATIONS = 60;
    public static final int BATCH = 256;
    public static final double LEARNING_RATE = 1e-3;
    public static final int PATIENCE = 60;
    public static final int LATENT = 8;
    public static final int[] HIDDEN = {64, 64};
    /** Scored rows between retrainings on time series; 0 disables retraining. */
    public static final int DEFAULT_RETRAIN_EVERY = 0;
    /** Newest rows a retraining uses at most. */
    public static final int MAX_TRAIN_ROWS = 3000;
    /** ND4J threads: one is fastest for these small networks (see Nd4jRuntime). */
    static final int ND4J_THREADS = 1;

    /** How the scorer's per-row output becomes the benchmark score ({@link WganOutput}). */
    public enum Output {
        /** The calibrated score, its extreme tail kept in order: SKAB's threshold rule and tabular ranks. */
        TAIL,
        /** Numenta's anomaly likelihood of the critic's surprise, on time series: NAB. */
        LIKELIHOOD
    }

    private final int retrainEvery;
    private final boolean trace;
    private final Output output;

    public WganDetectorFactory() {
        this(DEFAULT_RETRAIN_EVERY, false, Output.TAIL);
    }

    /**
     * @param retrainEvery scored rows between retrainings on time series (0 = never)
     * @param trace        record what every detector scored, so it can be replayed through Kafka
     * @param output       how scores are mapped; the likelihood only on time series (tabular rows
     *                     have no order, so they always get the tail mapping)
     */
    public WganDetectorFactory(int retrainEvery, boolean trace, Output output) {
        if (retrainEvery < 0) {
            throw new IllegalArgumentException("retrainEvery must be >= 0");
        }
        this.retrainEvery = retrainEvery;
        this.trace = trace;
        this.output = java.util.Objects.requireNonNull(output, "output");
        Nd4jRuntime.configure(ND4J_THREADS);
    }

    /** The training settings of the rule above for this kind of data. */
    public static TrainingSettings settings(DetectorSpec spec) {
        boolean series = spec.streaming();
        int window = !series ? 1 : spec.dimensions() == 1 ? SERIES_WINDOW : MULTI_WINDOW;
        String normaliser = series && spec.dimensions() == 1 ? "robust" : "standard";
        return TrainingSettings.defaults()
                .withWindow(window, series)
                .withNormaliser(normaliser)
                .withIterations(ITERATIONS)
                .withBatchSize(BATCH)
                .withLearningRate(LEARNING_RATE)
                .withEarlyStopPatience(PATIENCE)
                .withNetworks(LATENT, HIDDEN, HIDDEN)
                .withSeed(spec.seed());
    }

    public boolean tracing() {
        return trace;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        TrainingSettings s = settings(new DetectorSpec(1, true, 0));
        return "WGAN-GP critic with auxiliary negatives (ModelTrainer + FastScorer): critic and "
                + "generator " + java.util.Arrays.toString(HIDDEN) + ", latent " + LATENT + ", " + ITERATIONS
                + " iterations (early stop " + PATIENCE + "), batch " + BATCH + ", lr " + LEARNING_RATE + ", "
                + s.criticSteps() + " critic steps; window " + SERIES_WINDOW + "+differences (univariate series), "
                + MULTI_WINDOW + "+differences (multivariate series), 1 (tabular)"
                + (retrainEvery > 0 ? "; retrains every " + retrainEvery + " rows on the newest " + MAX_TRAIN_ROWS
                        + " rows seen" : "; trained once")
                + (output == Output.LIKELIHOOD ? "; score = Numenta anomaly likelihood of the critic's surprise"
                        : "; score = calibrated score, tail kept in order");
    }

    @Override
    public Detector create(DetectorSpec spec) {
        return new WganDetector(spec, settings(spec), spec.streaming() ? retrainEvery : 0, MAX_TRAIN_ROWS, trace,
                spec.streaming() ? output : Output.TAIL);
    }
}
