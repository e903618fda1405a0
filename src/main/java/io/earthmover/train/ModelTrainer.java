package io.earthmover.train;

import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import io.earthmover.features.Normaliser;
import io.earthmover.metrics.MetricNames;
import io.earthmover.model.Calibration;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.Mlp;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ModelManifest;
import io.earthmover.model.Nd4jRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a WGAN-GP on normal data and packages the critic as a {@link ModelBundle}: fits the
 * normaliser, shingles each key's series with the {@link Featuriser}, holds out a seeded share for
 * calibration, trains with Adam (n_critic critic steps per generator step), stops early when the
 * smoothed Wasserstein estimate plateaus, and aborts on NaN or Inf.
 *
 * <p>Reproducible: all randomness comes from one {@code java.util.Random(seed)} and ND4J runs on the
 * calling thread, so the same data, settings and seed give the same weights (with a fixed ND4J
 * thread count; one thread is also fastest here, see {@link Nd4jRuntime#configure}).
 */
public final class ModelTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);
    /** Fewer critic inputs than this cannot be split into a training set and a useful holdout. */
    public static final int MIN_SAMPLES = 50;
    static final int MIN_HOLDOUT = 20;
    /** Weight of the newest Wasserstein estimate in its moving average. */
    static final double SMOOTHING = 0.05;
    /** Relative change of the smoothed estimate that counts as progress. */
    static final double PLATEAU_TOLERANCE = 0.01;
    /** Generated samples for the report and metrics, at least. */
    static final int MIN_GENERATED = 2000;
    static final int EVAL_BATCH = 4096;
    /** How often (iterations) the weights are checked for NaN/Inf besides the per-step losses. */
    static final int FINITE_CHECK_EVERY = 50;
    private static final WorkspaceConfiguration STEP_WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.2)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP).build();
    private static final String WORKSPACE_ID = "earthmover-train-step";
    private static final Map<MeterRegistry, Meters> METERS = new WeakHashMap<>();

    /** Test seam: sees each iteration's Wasserstein estimate before the finiteness check. */
    private final java.util.function.DoubleUnaryOperator estimateProbe;

    public ModelTrainer() {
        this(w -> w);
    }

    ModelTrainer(java.util.function.DoubleUnaryOperator estimateProbe) {
        this.estimateProbe = estimateProbe;
    }

    /** The live values behind the training gauges, one set per registry. */
    private static final class Meters {
        final AtomicLong iteration = new AtomicLong();
        final AtomicLong wasserstein = new AtomicLong(Double.doubleToLongBits(Double.NaN));
        final AtomicLong penalty = new AtomicLong(Double.doubleToLongBits(Double.NaN));
        final AtomicLong samplesPerSecond = new AtomicLong(Double.doubleToLongBits(0));
        final Timer duration;

        Meters(MeterRegistry r) {
            Gauge.builder(MetricNames.TRAIN_ITERATION, iteration, AtomicLong::get)
                    .description(MetricNames.TRAIN_ITERATION_DESC).register(r);
            Gauge.builder(MetricNames.TRAIN_WASSERSTEIN, wasserstein, a -> Double.longBitsToDouble(a.get()))
                    .description(MetricNames.TRAIN_WASSERSTEIN_DESC).register(r);
            Gauge.builder(MetricNames.TRAIN_GRADIENT_PENALTY, penalty, a -> Double.longBitsToDouble(a.get()))
                    .description(MetricNames.TRAIN_GRADIENT_PENALTY_DESC).register(r);
            Gauge.builder(MetricNames.TRAIN_SAMPLES_PER_SECOND, samplesPerSecond, a -> Double.longBitsToDouble(a.get()))
                    .description(MetricNames.TRAIN_SAMPLES_PER_SECOND_DESC).register(r);
            duration = Timer.builder(MetricNames.TRAIN_DURATION).description(MetricNames.TRAIN_DURATION_DESC).register(r);
        }

        static synchronized Meters of(MeterRegistry r) {
            return METERS.computeIfAbsent(r, Meters::new);
        }
    }

    /**
     * Trains a model.
     *
     * @param series       one array per key: raw vectors from {@link FeatureSchema#vectorise}, in event-time order
     * @param schema       the feature schema of the vectors
     * @param s            settings
     * @param trainingData free-form description of the data for the manifest (topic, offsets, file)
     * @param listener     progress receiver, or null for none
     * @param registry     meters go here; null for none
     */
    public TrainingOutcome fit(List<double[][]> series, FeatureSchema schema, TrainingSettings s,
                               Map<String, Object> trainingData, TrainingListener listener, MeterRegistry registry)
            throws TrainingException {
        long t0 = System.nanoTime();
        if (s.layerNorm()) {
            throw new TrainingException("critic layer norm (train.critic.layer.norm=true) is not supported by this build");
        }
        int n = schema.size();
        List<double[]> rows = new ArrayList<>();
        for (double[][] ser : series) {
            for (double[] v : ser) {
                if (v.length != n) {
                    throw new TrainingException("a training vector has " + v.length + " values, the schema " + n);
                }
                for (double x : v) {
                    if (!Double.isFinite(x)) {
                        throw new TrainingException("training data contains NaN or infinite values");
                    }
                }
                rows.add(v);
            }
        }
        if (rows.isEmpty()) {
            throw new TrainingException("no training data: every series is empty");
        }
        if (allConstant(rows)) {
            throw new TrainingException("all " + n + " features are constant in the training data: there is nothing to learn");
        }
        Normaliser normaliser = Normaliser.fit(s.normaliser(), rows);
        Featuriser featuriser = new Featuriser(schema, s.window(), s.differences(), normaliser);
        int d = featuriser.inputSize();
        float[][] inputs = shingle(series, featuriser);
        for (float[] x : inputs) {
            for (float v : x) {
                if (!Float.isFinite(v)) {
                    throw new TrainingException("a normalised training value overflows float32: the data has values"
                            + " too far from the rest (e.g. 1e300); clean the data or use features.normaliser=robust");
                }
            }
        }
        if (inputs.length < MIN_SAMPLES) {
            throw new TrainingException("only " + inputs.length + " critic inputs from " + rows.size() + " rows in "
                    + series.size() + " series (window " + s.window() + (s.differences() ? " + 1 for differences" : "")
                    + "); need at least " + MIN_SAMPLES);
        }

        Random rng = new Random(s.seed());
        int[] order = permutation(inputs.length, rng);
        int holdoutCount = Math.max(MIN_HOLDOUT, (int) Math.round(s.holdoutFraction() * inputs.length));
        int trainCount = inputs.length - holdoutCount;
        float[][] train = new float[trainCount][];
        float[][] holdout = new float[holdoutCount][];
        for (int i = 0; i < inputs.length; i++) {
            if (i < holdoutCount) {
                holdout[i] = inputs[order[i]];
            } else {
                train[i - holdoutCount] = inputs[order[i]];
            }
        }
        int batch = Math.min(s.batchSize(), trainCount);

        String runtime = Nd4jRuntime.describe();
        LOG.info("{}", runtime);
        LOG.info("training on {} windows, {} more held out for calibration; critic input size {}; {}", trainCount,
                holdoutCount, d, s);

        Mlp critic = Mlp.init(Mlp.layerSizes(d, s.criticHidden(), 1), Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT);
        Mlp generator = Mlp.init(Mlp.layerSizes(s.latentSize(), s.generatorHidden(), d), Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT);
        WganGp gan = new WganGp(critic, generator);
        Adam criticAdam = new Adam(critic.flatParams(), s.learningRate(), s.beta1(), s.beta2());
        Adam generatorAdam = new Adam(generator.flatParams(), s.learningRate(), s.beta1(), s.beta2());
        Mlp.Params cgrads = critic.zerosLikeParams();
        Mlp.Params ggrads = generator.zerosLikeParams();

        Meters meters = Meters.of(registry == null ? new SimpleMeterRegistry() : registry);
        if (listener != null) {
            listener.onStart(s.iterations(), trainCount, holdoutCount, runtime);
        }
        BatchSampler sampler = new BatchSampler(train, d, rng);
        float[] realBuf = new float[batch * d];
        float[] zBuf = new float[batch * s.latentSize()];
        float[] epsBuf = new float[batch];
        int auxRows = (int) Math.round(s.auxFraction() * batch);
        float[] auxBuf = new float[Math.max(auxRows, 1) * d];
        List<IterationStats> history = new ArrayList<>();
        double ema = Double.NaN;
        double peak = Double.NEGATIVE_INFINITY;
        double best = Double.POSITIVE_INFINITY;
        int sinceProgress = 0;
        boolean earlyStopped = false;
        long loopStart = System.nanoTime();
        IterationStats last = null;
        for (int it = 1; it <= s.iterations(); it++) {
            double wSum = 0;
            double gpSum = 0;
            double lossSum = 0;
            for (int c = 0; c < s.criticSteps(); c++) {
                sampler.next(realBuf, batch);
                gaussian(zBuf, rng);
                uniform(epsBuf, rng);
                auxiliary(auxBuf, auxRows, realBuf, batch, d, s.auxNoise(), rng);
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WORKSPACE, WORKSPACE_ID)) {
                    INDArray real = Nd4j.create(realBuf, new long[] {batch, d}, 'c');
                    INDArray z = Nd4j.create(zBuf, new long[] {batch, s.latentSize()}, 'c');
                    INDArray eps = Nd4j.create(epsBuf, new long[] {batch, 1}, 'c');
                    INDArray aux = auxRows == 0 ? null : Nd4j.create(auxBuf, new long[] {auxRows, d}, 'c');
                    WganGp.CriticValues v = gan.critic(real, z, aux, eps, s.lambda(), true, cgrads);
                    criticAdam.step(cgrads.flat());
                    wSum += v.wasserstein();
                    gpSum += v.penalty();
                    lossSum += v.loss();
                }
            }
            double gLoss;
            gaussian(zBuf, rng);
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WORKSPACE, WORKSPACE_ID)) {
                INDArray z = Nd4j.create(zBuf, new long[] {batch, s.latentSize()}, 'c');
                gLoss = gan.generator(z, ggrads);
                generatorAdam.step(ggrads.flat());
            }
            double w = estimateProbe.applyAsDouble(wSum / s.criticSteps());
            double gp = gpSum / s.criticSteps();
            double cLoss = lossSum / s.criticSteps();
            if (!Double.isFinite(w) || !Double.isFinite(gp) || !Double.isFinite(cLoss) || !Double.isFinite(gLoss)
                    || (it % FINITE_CHECK_EVERY == 0 && !(finite(critic) && finite(generator)))) {
                throw new TrainingException("training diverged at iteration " + it + " (Wasserstein estimate " + w
                        + ", gradient penalty " + gp + ", generator loss " + gLoss
                        + "); try a lower train.learning.rate; no model was saved");
            }
            ema = Double.isNaN(ema) ? w : ema + SMOOTHING * (w - ema);
            // progress = the smoothed estimate still rising (critic learning) or falling (generator catching up)
            double tol = PLATEAU_TOLERANCE * Math.max(Math.abs(ema), 1e-3);
            if (ema > peak + tol) {
                peak = ema;
                best = ema;
                sinceProgress = 0;
            } else if (ema < best - tol) {
                best = ema;
                sinceProgress = 0;
            } else {
                sinceProgress++;
            }
            double elapsed = (System.nanoTime() - loopStart) / 1e9;
            double sps = (double) it * s.criticSteps() * batch / Math.max(elapsed, 1e-9);
            double eta = elapsed / it * (s.iterations() - it);
            double epoch = (double) it * s.criticSteps() * batch / trainCount;
            last = new IterationStats(it, s.iterations(), epoch, w, ema, gp, cLoss, gLoss, sps, elapsed, eta);
            history.add(last);
            meters.iteration.set(it);
            meters.wasserstein.set(Double.doubleToLongBits(w));
            meters.penalty.set(Double.doubleToLongBits(gp));
            meters.samplesPerSecond.set(Double.doubleToLongBits(sps));
            if (listener != null) {
                listener.onIteration(last);
            }
            if (s.earlyStopPatience() > 0 && sinceProgress >= s.earlyStopPatience()) {
                earlyStopped = true;
                break;
            }
        }
        if (!(finite(critic) && finite(generator))) {
            throw new TrainingException("training produced non-finite weights; try a lower train.learning.rate; no model was saved");
        }
        if (listener != null) {
            listener.onFinish(last, earlyStopped);
        }

        // calibration on the holdout
        double[] holdoutCritic = criticValues(critic, holdout, d);
        int generatedCount = Math.max(MIN_GENERATED, holdoutCount);
        double[] generatedCritic = criticValues(critic, generate(generator, generatedCount, s.latentSize(), d, rng), d);
        if (!allFinite(holdoutCritic) || !allFinite(generatedCritic)) {
            throw new TrainingException("the trained critic gives non-finite values; no model was saved");
        }
        Calibration cal = Calibration.fit(holdoutCritic);
        double[] sorted = holdoutCritic.clone();
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
        int tail = Math.min(history.size(), 50);
        double gpTail = 0;
        for (int i = history.size() - tail; i < history.size(); i++) {
            gpTail += history.get(i).gradientPenalty();
        }
        gpTail /= Math.max(tail, 1);
        double duration = (System.nanoTime() - t0) / 1e9;
        ModelManifest.Metrics metrics = new ModelManifest.Metrics(hMean - gMean, gpTail, hMean, hStd, gMean,
                (hMean - gMean) / Math.max(hStd, 1e-12), (double) flagged / holdoutCount, history.size(), duration,
                earlyStopped, trainCount, holdoutCount);

        Instant now = Instant.now();
        String version = ModelBundle.newVersionId(now, ThreadLocalRandom.current());
        ModelManifest manifest = new ModelManifest(ModelBundle.FORMAT_VERSION, version, now.toString(), schema.names(),
                schema.named(), s.window(), s.differences(),
                new ModelManifest.NormaliserSpec(normaliser.kind(), normaliser.centre(), normaliser.scale()),
                new ModelManifest.Architecture(d, critic.sizes(), generator.sizes(), false, critic.slope(),
                        ModelBundle.WEIGHTS_FORMAT),
                new ModelManifest.CalibrationTable(holdoutCount, cal.values(), cal.cdf(), medians(holdout, d)),
                threshold, criticThreshold, s.thresholdQuantile(), s.toMap(),
                trainingData == null ? Map.of() : new LinkedHashMap<>(trainingData), metrics, null, null, null);
        float[][] weights = new float[critic.layers()][];
        float[][] biases = new float[critic.layers()][];
        for (int l = 0; l < critic.layers(); l++) {
            weights[l] = critic.weightsAsFloats(l);
            biases[l] = critic.biasAsFloats(l);
        }
        ModelBundle bundle;
        try {
            bundle = ModelBundle.create(manifest, weights, biases);
        } catch (InvalidModelException e) {
            throw new TrainingException("the trained model failed validation: " + e.getMessage());
        }
        meters.duration.record(Duration.ofNanos(System.nanoTime() - t0));
        LOG.info("trained model {} in {} s: {} iterations{}, Wasserstein {}, threshold {}", version,
                String.format("%.1f", duration), history.size(), earlyStopped ? " (early stop)" : "", hMean - gMean, threshold);
        TrainingReport report = new TrainingReport(version, runtime, history, holdoutCritic, generatedCritic,
                earlyStopped, metrics, criticThreshold);
        return new TrainingOutcome(bundle, report);
    }

    /** Critic inputs of every complete window of every series. */
    static float[][] shingle(List<double[][]> series, Featuriser f) {
        int h = f.historyLength();
        int total = 0;
        for (double[][] s : series) {
            total += Math.max(0, s.length - h + 1);
        }
        float[][] out = new float[total][];
        double[][] hist = new double[h][];
        int k = 0;
        for (double[][] s : series) {
            for (int t = h - 1; t < s.length; t++) {
                System.arraycopy(s, t - h + 1, hist, 0, h);
                float[] x = new float[f.inputSize()];
                f.featurise(hist, x);
                out[k++] = x;
            }
        }
        return out;
    }

    private static boolean allConstant(List<double[]> rows) {
        double[] first = rows.get(0);
        for (double[] r : rows) {
            for (int j = 0; j < first.length; j++) {
                if (r[j] != first[j]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Half of the box auxiliary negatives are drawn from, in normalised units: beyond almost all normal data. */
    static final float AUX_BOX = 8f;

    /**
     * Auxiliary negatives: alternately a real row of this batch plus Gaussian noise (near the data)
     * and a uniform point in [-AUX_BOX, AUX_BOX]^d (far from it).
     */
    public static void auxiliary(float[] out, int rows, float[] real, int batch, int d, double noise, Random rng) {
        for (int i = 0; i < rows; i++) {
            if (i % 2 == 0) {
                int src = rng.nextInt(batch) * d;
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = real[src + j] + (float) (noise * rng.nextGaussian());
                }
            } else {
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = (float) ((2 * rng.nextDouble() - 1) * AUX_BOX);
                }
            }
        }
    }

    /** Cycles through the training inputs in seeded random order, reshuffling after each pass. */
    private static final class BatchSampler {
        private final float[][] data;
        private final int d;
        private final Random rng;
        private int[] order;
        private int pos;

        BatchSampler(float[][] data, int d, Random rng) {
            this.data = data;
            this.d = d;
            this.rng = rng;
            this.order = permutation(data.length, rng);
        }

        void next(float[] out, int batch) {
            for (int i = 0; i < batch; i++) {
                if (pos == order.length) {
                    order = permutation(data.length, rng);
                    pos = 0;
                }
                System.arraycopy(data[order[pos++]], 0, out, i * d, d);
            }
        }
    }

    static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static void gaussian(float[] buf, Random rng) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = (float) rng.nextGaussian();
        }
    }

    private static void uniform(float[] buf, Random rng) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = rng.nextFloat();
        }
    }

    private static boolean finite(Mlp net) {
        return Double.isFinite(net.flatParams().sumNumber().doubleValue());
    }

    /** Critic values of rows, in ND4J batches. */
    static double[] criticValues(Mlp critic, float[][] rows, int d) {
        double[] out = new double[rows.length];
        for (int start = 0; start < rows.length; start += EVAL_BATCH) {
            int m = Math.min(EVAL_BATCH, rows.length - start);
            float[] buf = new float[m * d];
            for (int i = 0; i < m; i++) {
                System.arraycopy(rows[start + i], 0, buf, i * d, d);
            }
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WORKSPACE, WORKSPACE_ID)) {
                INDArray o = critic.output(Nd4j.create(buf, new long[] {m, d}, 'c'));
                for (int i = 0; i < m; i++) {
                    out[start + i] = o.getDouble(i, 0);
                }
            }
        }
        return out;
    }

    private static float[][] generate(Mlp generator, int count, int latent, int d, Random rng) {
        float[] zBuf = new float[count * latent];
        gaussian(zBuf, rng);
        float[][] out = new float[count][];
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WORKSPACE, WORKSPACE_ID)) {
            float[] flat = generator.output(Nd4j.create(zBuf, new long[] {count, latent}, 'c')).dup('c').data().asFloat();
            for (int i = 0; i < count; i++) {
                out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
        }
        return out;
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
