package io.earthmover.harness.eval;

import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import io.earthmover.model.Calibration;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.earthmover.train.ModelTrainer;
import io.earthmover.train.TrainingException;
import io.earthmover.train.TrainingOutcome;
import io.earthmover.train.TrainingSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The WGAN-GP detector on the scorer's own path: {@link ModelTrainer} fits the normaliser and the
 * critic on the training rows; each row is then featurised with the bundle's {@link Featuriser}
 * over the newest {@code historyLength()} raw rows and scored by {@link FastScorer}, whose
 * calibrated score and critic value become the detector's score through a {@link WganOutput}:
 * the calibrated score with its tail kept in order ({@link TailOrder}), or Numenta's anomaly
 * likelihood of the critic's surprise, which first learns from the model's scores of the training
 * rows (in time order, as NAB's numenta detector learns during the probationary period).
 *
 * <p>On time series it may retrain every {@code retrainEvery} scored rows on the newest
 * {@code maxTrainRows} rows seen so far (never on a row before it was scored), so the critic
 * follows slow drift. Rows whose window is not full yet score 0, as the scorer's warm-up.
 */
public final class WganDetector implements Detector {
    /** Raw rows kept for windows: more than any window here needs. */
    static final int MAX_HISTORY = 64;
    private final FeatureSchema schema;
    private final TrainingSettings settings;
    private final int retrainEvery;
    private final int maxTrainRows;
    private final boolean streaming;
    private final ScoringTrace trace;
    private final WganDetectorFactory.Output outputKind;
    private WganOutput output;
    private final List<double[]> seen = new ArrayList<>();
    private final Deque<double[]> recent = new ArrayDeque<>();
    private final ScoreResult result = new ScoreResult(0);
    private ModelBundle bundle;
    private FastScorer scorer;
    private Featuriser featuriser;
    private double[][] window;
    private float[] input;
    private int scored;
    private int trainings;
    private boolean trained;

    WganDetector(DetectorSpec spec, TrainingSettings settings, int retrainEvery, int maxTrainRows, boolean trace,
            WganDetectorFactory.Output outputKind) {
        this.schema = FeatureSchema.positional(spec.dimensions());
        this.settings = settings;
        this.retrainEvery = retrainEvery;
        this.maxTrainRows = maxTrainRows;
        this.streaming = spec.streaming();
        this.trace = trace ? new ScoringTrace() : null;
        this.outputKind = outputKind;
    }

    /**
     * Tail-mapped calibrated scores of the trainer's holdout: out of sample for the critic; none
     * with the likelihood output (it has no out-of-sample scores of training rows: it learns from
     * them). Training rows that are all equal leave nothing to learn: the detector then has no
     * model and scores 0 (on time series it tries again at each retraining).
     */
    @Override
    public double[] train(List<double[]> rows) {
        if (trained) {
            throw new IllegalStateException("already trained");
        }
        trained = true;
        if (streaming) {
            rows.forEach(r -> seen.add(r.clone()));
        }
        for (double[] r : rows) {
            remember(r);
        }
        TrainingOutcome o = fit(rows);
        if (o == null) {
            return new double[0];
        }
        use(o.bundle());
        startOutput(rows, 0);
        if (outputKind == WganDetectorFactory.Output.LIKELIHOOD) {
            return new double[0];
        }
        Calibration cal = bundle.calibration();
        TailOrder tail = TailOrder.of(bundle);
        double[] holdout = o.report().holdoutCritic();
        double[] out = new double[holdout.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = tail.apply(cal.score(holdout[i]), holdout[i]);
        }
        return out;
    }

    @Override
    public double score(long timestampMillis, double[] row) {
        if (!trained) {
            throw new IllegalStateException("train() first");
        }
        if (retrainEvery > 0 && scored > 0 && scored % retrainEvery == 0) {
            List<double[]> rows = seen.subList(Math.max(0, seen.size() - maxTrainRows), seen.size());
            TrainingOutcome o = fit(rows);
            if (o != null) {
                boolean first = bundle == null;
                use(o.bundle());
                if (first) {
                    startOutput(rows, scored);
                } else if (trace != null) {
                    trace.swap(bundle);
                }
            }
        }
        remember(row);
        double s = 0.0;
        if (bundle != null && recent.size() >= featuriser.historyLength()) {
            int skip = recent.size() - featuriser.historyLength();
            int k = 0;
            for (double[] r : recent) {
                if (k >= skip) {
                    window[k - skip] = r;
                }
                k++;
            }
            s = scoreWindow();
        }
        if (streaming) {
            seen.add(row.clone());
        }
        if (trace != null) {
            trace.scored(row, s);
        }
        scored++;
        return s;
    }

    /** Keeps the newest rows any window may need. */
    private void remember(double[] row) {
        recent.addLast(row.clone());
        while (recent.size() > MAX_HISTORY) {
            recent.removeFirst();
        }
    }

    /** The trace of what was scored, or null when tracing is off. */
    public ScoringTrace trace() {
        return trace;
    }

    /** Models trained so far (1 + retrainings). */
    public int trainings() {
        return trainings;
    }

    /** A trained model, or null when the rows are all equal (nothing to learn). */
    private TrainingOutcome fit(List<double[]> rows) {
        List<double[][]> series = List.<double[][]>of(rows.toArray(new double[0][]));
        if (constant(rows)) {
            return null;
        }
        try {
            TrainingOutcome o = new ModelTrainer().fit(series, schema, settings,
                    Map.of("source", "evaluate", "rows", rows.size()), null, null);
            trainings++;
            return o;
        } catch (TrainingException e) {
            throw new IllegalStateException("wgan training failed on " + rows.size() + " rows: " + e.getMessage(), e);
        }
    }

    private static boolean constant(List<double[]> rows) {
        for (double[] r : rows) {
            if (!java.util.Arrays.equals(r, rows.get(0))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The output mapping once the first model is in, from scored row {@code from} on. The
     * likelihood first learns from the model's scores of the rows it was trained on, in time order,
     * all of them estimation samples: nupic skips a learning period because HTM's raw scores are
     * still settling while it learns (NAB's numenta detector: the first half of the probationary
     * period); the critic is fully trained before its first score, so nothing is skipped.
     */
    private void startOutput(List<double[]> trainingRows, int from) {
        int h = featuriser.historyLength();
        if (outputKind == WganDetectorFactory.Output.TAIL) {
            output = WganOutput.tail();
        } else {
            int feeds = Math.max(0, trainingRows.size() - h + 1);
            output = WganOutput.likelihood(0, Math.max(1, feeds));
            for (int end = h - 1; end < trainingRows.size(); end++) {
                for (int k = 0; k < h; k++) {
                    window[k] = trainingRows.get(end - h + 1 + k);
                }
                scoreWindow();
            }
        }
        if (trace != null) {
            trace.start(List.copyOf(recent).subList(Math.max(0, recent.size() - (h - 1)), recent.size()), bundle,
                    from, output);
        }
    }

    /** The output for the rows now in {@link #window}, scored by the serving model. */
    private double scoreWindow() {
        featuriser.featurise(window, input);
        scorer.score(input, result);
        return output.next(result.score, result.critic, bundle);
    }

    private void use(ModelBundle b) {
        bundle = b;
        featuriser = b.featuriser();
        scorer = b.newScorer(0);
        window = new double[featuriser.historyLength()][];
        input = new float[featuriser.inputSize()];
    }
}
