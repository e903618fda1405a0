package io.earthmover.harness.bench;

import io.earthmover.features.FeatureSchema;
import io.earthmover.model.FastScorer;
import io.earthmover.train.InputGradientPass;
import io.earthmover.train.Mlp;
import io.earthmover.train.MlpInit;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.earthmover.model.ModelManifest;
import io.earthmover.model.Calibration;
import io.earthmover.model.InvalidModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Measures scoring throughput: {@link FastScorer} one record at a time against ND4J batches. */
public final class ScoringBenchmark {
    public static final int ND4J_BATCH = 256;
    private static final WorkspaceConfiguration WS = WorkspaceConfiguration.builder().initialSize(0)
            .overallocationLimit(0.2).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).build();

    private ScoringBenchmark() {
    }

    /** One FastScorer variant's rate, measured in rounds interleaved with the others. */
    public record Rate(String name, double recordsPerSecond) {
        public double microsPerRecord() {
            return 1e6 / recordsPerSecond;
        }
    }

    /**
     * @param fast                        FastScorer variants, one thread each, measured in the same rounds
     * @param nd4jRecordsPerSecond        ND4J critic forward pass, batches of 256
     * @param nd4jWithGradientPerSecond   ND4J forward plus input gradient (what attribution needs), batches of 256
     * @param maxAbsDifference            largest |FastScorer - ND4J| critic difference seen
     * @param kernelChoice                the kernel the service uses in this JVM, and why
     */
    public record Result(List<Rate> fast, double nd4jRecordsPerSecond, double nd4jWithGradientPerSecond,
                         double maxAbsDifference, String architecture, String kernelChoice) {
    }

    /** What one variant does to one record. */
    private interface Variant {
        double score(float[] input);
    }

    /** A bundle with seeded random weights: {@code features} positional inputs, critic {@code features-hidden...-1}. */
    public static ModelBundle referenceBundle(int features, int[] hidden, long seed) throws InvalidModelException {
        return referenceBundle(features, hidden, seed, false);
    }

    /** As above; with {@code layerNorm} every hidden layer is layer-normalised (random gains near 1, shifts near 0). */
    public static ModelBundle referenceBundle(int features, int[] hidden, long seed, boolean layerNorm) throws InvalidModelException {
        Random r = new Random(seed);
        int[] sizes = MlpInit.layerSizes(features, hidden, 1);
        float[][] w = new float[sizes.length - 1][];
        float[][] b = new float[sizes.length - 1][];
        for (int l = 0; l + 1 < sizes.length; l++) {
            w[l] = new float[sizes[l] * sizes[l + 1]];
            b[l] = new float[sizes[l + 1]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = (float) (r.nextGaussian() * Math.sqrt(2.0 / sizes[l]));
            }
        }
        double[] holdout = new double[2000];
        for (int i = 0; i < holdout.length; i++) {
            holdout[i] = r.nextGaussian();
        }
        Calibration cal = Calibration.fit(holdout);
        double[] ones = new double[features];
        java.util.Arrays.fill(ones, 1.0);
        List<String> names = new ArrayList<>(FeatureSchema.positional(features).names());
        ModelManifest m = new ModelManifest(ModelBundle.FORMAT_VERSION, "benchmark", java.time.Instant.now().toString(),
                names, false, 1, false, new ModelManifest.NormaliserSpec("standard", new double[features], ones, null, null),
                new ModelManifest.Architecture(features, sizes, new int[] {16, features}, layerNorm, Mlp.DEFAULT_SLOPE,
                        ModelBundle.WEIGHTS_FORMAT),
                new ModelManifest.CalibrationTable(holdout.length, cal.values(), cal.cdf(), new double[features]),
                0.995, cal.criticAt(0.005), 0.995, Map.of(), Map.of("benchmark", true),
                new ModelManifest.Metrics(0, 0, 0, 1, 0, 0, 0.005, 0, 0, false, 0, holdout.length), null, null, null);
        int norms = layerNorm ? hidden.length : 0;
        float[][] gain = new float[norms][];
        float[][] shift = new float[norms][];
        for (int k = 0; k < norms; k++) {
            gain[k] = new float[hidden[k]];
            shift[k] = new float[hidden[k]];
            for (int j = 0; j < hidden[k]; j++) {
                gain[k][j] = (float) (1 + 0.1 * r.nextGaussian());
                shift[k][j] = (float) (0.1 * r.nextGaussian());
            }
        }
        return ModelBundle.create(m, w, b, gain, shift);
    }

    /**
     * Measures each FastScorer variant for about {@code seconds} in total, in rounds that take
     * turns so all see the same share of a busy machine, after a warm-up; then ND4J.
     */
    public static Result run(ModelBundle bundle, int topK, double seconds) {
        int d = bundle.featuriser().inputSize();
        Random r = new Random(1);
        int pool = 4096;
        float[][] inputs = new float[pool][d];
        float[] flat = new float[pool * d];
        for (int i = 0; i < pool; i++) {
            for (int j = 0; j < d; j++) {
                inputs[i][j] = (float) r.nextGaussian();
                flat[i * d + j] = inputs[i][j];
            }
        }
        Map<String, Variant> variants = variants(bundle, topK);
        long[] counts = new long[variants.size()];
        long[] nanos = new long[variants.size()];
        List<Variant> vs = List.copyOf(variants.values());
        double sink = 0;
        for (int k = 0; k < vs.size(); k++) { // warm-up for the JIT
            sink += timed(vs.get(k), inputs, seconds * 0.3 / vs.size(), new long[2]);
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < vs.size(); k++) {
                long[] cn = new long[2];
                sink += timed(vs.get(k), inputs, seconds / ROUNDS, cn);
                counts[k] += cn[0];
                nanos[k] += cn[1];
            }
        }
        List<Rate> rates = new ArrayList<>();
        int k = 0;
        for (String name : variants.keySet()) {
            rates.add(new Rate(name, counts[k] / (nanos[k] / 1e9)));
            k++;
        }
        FastScorer scorer = bundle.newScorer(topK);
        Mlp critic = MlpInit.critic(bundle, DataType.FLOAT);
        INDArray all = Nd4j.create(flat, new long[] {pool, d}, 'c');
        double maxDiff = 0;
        INDArray ref = critic.output(all);
        for (int i = 0; i < pool; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ref.getDouble(i, 0) - scorer.critic(inputs[i])));
        }
        double nd = nd4jRate(critic, all, pool, d, false, seconds);
        double ndGrad = nd4jRate(critic, all, pool, d, true, seconds);
        if (sink == 42) {
            System.out.print(""); // keeps the scoring loops from being optimised away
        }
        return new Result(rates, nd, ndGrad, maxDiff, java.util.Arrays.toString(bundle.manifest().architecture().critic()),
                FastScorer.kernelChoice());
    }

    private static final int ROUNDS = 6;

    /**
     * The previous scorer, then the current one on the scalar kernel and, where this JVM chose
     * another, on that one: each with attribution on every record and forward only.
     */
    private static Map<String, Variant> variants(ModelBundle bundle, int topK) {
        Map<String, Variant> v = new LinkedHashMap<>();
        ScoreResult res = new ScoreResult(topK);
        PreviousFastScorer previous = new PreviousFastScorer(bundle, topK);
        v.put("previous FastScorer (6954b87), with attribution", x -> {
            previous.score(x, res);
            return res.score;
        });
        List<FastScorer> scorers = new ArrayList<>(List.of(bundle.newScalarScorer(topK)));
        FastScorer chosen = bundle.newScorer(topK);
        if (!chosen.kernelName().equals(scorers.get(0).kernelName())) {
            scorers.add(chosen);
        }
        for (FastScorer s : scorers) {
            v.put("FastScorer " + s.kernelName() + ", with attribution", x -> {
                s.score(x, res, true);
                return res.topContribution.length > 0 ? res.topContribution[0] : res.score;
            });
            v.put("FastScorer " + s.kernelName() + ", forward only", x -> {
                s.score(x, res, false);
                return res.score;
            });
        }
        return v;
    }

    /** Scores the pool over and over for about {@code seconds}; {@code countNanos} gets records and elapsed nanos. */
    private static double timed(Variant v, float[][] inputs, double seconds, long[] countNanos) {
        double sink = 0;
        long n = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            for (float[] x : inputs) {
                sink += v.score(x);
            }
            n += inputs.length;
        }
        countNanos[0] = n;
        countNanos[1] = System.nanoTime() - t0;
        return sink;
    }

    private static double nd4jRate(Mlp critic, INDArray all, int pool, int d, boolean gradient, double seconds) {
        int batches = pool / ND4J_BATCH;
        INDArray[] views = new INDArray[batches];
        for (int k = 0; k < batches; k++) {
            views[k] = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(k * ND4J_BATCH, (k + 1) * ND4J_BATCH)).dup('c');
        }
        long n = 0;
        long t0 = 0;
        long warm = System.nanoTime() + (long) (seconds * 0.3e9);
        boolean measuring = false;
        long deadline = Long.MAX_VALUE;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= warm) {
                measuring = true;
                t0 = now;
                deadline = t0 + (long) (seconds * 1e9);
            } else if (measuring && now >= deadline) {
                break;
            }
            for (int k = 0; k < batches; k++) {
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WS, "earthmover-bench-score")) {
                    Mlp.Forward f = critic.forward(views[k]);
                    if (gradient) {
                        InputGradientPass.inputGradient(critic, f).dx().getFloat(0);
                    } else {
                        f.out().getFloat(0);
                    }
                }
                if (measuring) {
                    n += ND4J_BATCH;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
