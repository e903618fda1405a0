package io.earthmover.eval;

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
 * calibrated score (fraction of holdout critic values above the row's) is the detector's score,
 * with its extreme tail kept in order by {@link TailOrder}.
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
    private final List<double[]> seen = new ArrayList<>();
    private final Deque<double[]> recent = new ArrayDeque<>();
    private final ScoreResult result = new ScoreResult(0);
    private ModelBundle bundle;
    private TailOrder tail;
    private FastScorer scorer;
    private Featuriser featuriser;
    private double[][] window;
    private float[] input;
    private int scored;
    private int trainings;
    private boolean trained;

    WganDetector(DetectorSpec spec, TrainingSettings settings, int retrainEvery, int maxTrainRows, boolean trace) {
        this.schema = FeatureSchema.positional(spec.dimensions());
        this.settings = settings;
        this.retrainEvery = retrainEvery;
        this.maxTrainRows = maxTrainRows;
        this.streaming = spec.streaming();
        this.trace = trace ? new ScoringTrace() : null;
    }

    /**
     * Calibrated scores of the trainer's holdout: out of sample for the critic. Training rows that
     * are all equal leave nothing to learn: the detector then has no model and scores 0 (on time
     * series it tries again at each retraining).
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
        if (trace != null) {
            trace.start(List.copyOf(recent).subList(Math.max(0, recent.size() - (featuriser.historyLength() - 1)),
                    recent.size()), bundle);
        }
        Calibration cal = bundle.calibration();
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
            TrainingOutcome o = fit(seen.subList(Math.max(0, seen.size() - maxTrainRows), seen.size()));
            if (o != null) {
                boolean first = bundle == null;
                use(o.bundle());
                if (trace != null) {
                    if (first) {
                        trace.start(List.copyOf(recent).subList(Math.max(0, recent.size()
                                - (featuriser.historyLength() - 1)), recent.size()), bundle, scored);
                    } else {
                        trace.swap(bundle);
                    }
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
            featuriser.featurise(window, input);
            scorer.score(input, result);
            s = tail.apply(result.score, result.critic);
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

    private void use(ModelBundle b) {
        bundle = b;
        tail = TailOrder.of(b);
        featuriser = b.featuriser();
        scorer = b.newScorer(0);
        window = new double[featuriser.historyLength()][];
        input = new float[featuriser.inputSize()];
    }
}
