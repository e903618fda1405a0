package io.earthmover.train;

import io.earthmover.model.ConditionalLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The adversarial training loop: n_critic critic steps per generator step (Adam, or RMSProp and
 * weight clipping for wgan-cp; see {@link GanLoss}), auxiliary
 * negatives in the critic's fake batch, a NaN/Inf check every iteration (losses) and every
 * {@link #FINITE_CHECK_EVERY} iterations (weights), and {@link EarlyStopping}.
 */
final class TrainingLoop {
    /** How often (iterations) the weights are checked for NaN/Inf besides the per-step losses. */
    static final int FINITE_CHECK_EVERY = 50;

    /** The trained networks and how training went. */
    record Result(Mlp critic, Mlp generator, Mlp encoder, List<IterationStats> history, boolean earlyStopped) {
        IterationStats last() {
            return history.isEmpty() ? null : history.get(history.size() - 1);
        }
    }

    private final TrainingSettings s;
    private final Random rng;
    private final DoubleUnaryOperator estimateProbe;

    /**
     * @param rng           the trainer's one random source (initialisation, batches, noise)
     * @param estimateProbe test seam: sees each iteration's Wasserstein estimate before the finiteness check
     */
    TrainingLoop(TrainingSettings s, Random rng, DoubleUnaryOperator estimateProbe) {
        this.s = s;
        this.rng = rng;
        this.estimateProbe = estimateProbe;
    }

    Result run(float[][] train, int d, TrainingListener listener) throws TrainingException {
        Mlp critic = MlpInit.init(MlpInit.layerSizes(d, s.criticHidden(), 1), Mlp.DEFAULT_SLOPE, s.layerNorm(), rng,
                DataType.FLOAT);
        // conditional: the generator maps (context, z) to the newest step's values
        ConditionalLayout layout = s.conditional() ? ConditionalLayout.of(d, s.window(), s.differences()) : null;
        Mlp generator = MlpInit.init(layout == null ? MlpInit.layerSizes(s.latentSize(), s.generatorHidden(), d)
                : generatorSizes(layout, s), Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT);
        // drawn after the critic and generator, so a seed gives them the same weights with or without it
        Mlp encoder = s.encoder() ? MlpInit.init(MlpInit.layerSizes(d, reversed(s.generatorHidden()), s.latentSize()),
                Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT) : null;
        Optimizer encoderOpt = encoder == null ? null : new Adam(encoder.flatParams(), s.effectiveLearningRate(), s.beta1(), s.beta2());
        Mlp.Params egrads = encoder == null ? null : encoder.zerosLikeParams();
        GanLoss loss = s.ganLoss();
        WganGp gan = new WganGp(critic, generator, loss, s.l1Penalty(), layout);
        Optimizer criticOpt = optimizer(critic, loss);
        Optimizer generatorOpt = optimizer(generator, loss);
        double lambda = loss.penalised() ? s.lambda() : 0;
        Mlp.Params cgrads = critic.zerosLikeParams();
        Mlp.Params ggrads = generator.zerosLikeParams();
        int trainCount = train.length;
        int batch = Math.min(s.batchSize(), trainCount);
        Sampling.BatchSampler sampler = new Sampling.BatchSampler(train, d, rng);
        float[] realBuf = new float[batch * d];
        float[] zBuf = new float[batch * s.latentSize()];
        float[] epsBuf = new float[batch];
        int auxRows = (int) Math.round(s.auxFraction() * batch);
        float[] auxBuf = new float[Math.max(auxRows, 1) * d];
        List<IterationStats> history = new ArrayList<>();
        EarlyStopping stopping = new EarlyStopping(s.earlyStopPatience());
        boolean earlyStopped = false;
        long loopStart = System.nanoTime();
        for (int it = 1; it <= s.iterations(); it++) {
            double wSum = 0;
            double gpSum = 0;
            double lossSum = 0;
            for (int c = 0; c < s.criticSteps(); c++) {
                sampler.next(realBuf, batch);
                Sampling.gaussian(zBuf, rng);
                Sampling.uniform(epsBuf, rng);
                Sampling.auxiliary(auxBuf, auxRows, realBuf, batch, d, s.auxNoise(), rng);
                try (MemoryWorkspace ws = Nd4jBatches.step()) {
                    INDArray real = Nd4jBatches.matrix(realBuf, batch, d);
                    INDArray z = Nd4jBatches.matrix(zBuf, batch, s.latentSize());
                    INDArray eps = Nd4jBatches.matrix(epsBuf, batch, 1);
                    INDArray aux = auxRows == 0 ? null : Nd4jBatches.matrix(auxBuf, auxRows, d);
                    WganGp.CriticValues v = gan.critic(real, z, aux, eps, lambda, true, cgrads);
                    criticOpt.step(cgrads.flat());
                    wSum += v.wasserstein();
                    gpSum += v.penalty();
                    lossSum += v.loss();
                }
                if (loss == GanLoss.WGAN_CP) {
                    clip(critic, s.clipValue());
                }
            }
            double gLoss;
            Sampling.gaussian(zBuf, rng);
            try (MemoryWorkspace ws = Nd4jBatches.step()) {
                if (layout == null) {
                    gLoss = gan.generator(Nd4jBatches.matrix(zBuf, batch, s.latentSize()), ggrads);
                } else {
                    // a fresh real batch whose newest steps the generator completes
                    sampler.next(realBuf, batch);
                    gLoss = gan.generator(Nd4jBatches.matrix(realBuf, batch, d), Nd4jBatches.matrix(zBuf, batch, s.latentSize()),
                            ggrads);
                }
                if (encoder != null) {
                    sampler.next(realBuf, batch);
                    egrads.zero();
                    // reported with the generator loss: the cycle term is part of what the generator step minimises
                    gLoss += CycleLoss.loss(encoder, generator, Nd4jBatches.matrix(realBuf, batch, d), s.cycleWeight(), egrads, ggrads);
                    encoderOpt.step(egrads.flat());
                }
                generatorOpt.step(ggrads.flat());
            }
            double w = estimateProbe.applyAsDouble(wSum / s.criticSteps());
            double gp = gpSum / s.criticSteps();
            double cLoss = lossSum / s.criticSteps();
            if (!Double.isFinite(w) || !Double.isFinite(gp) || !Double.isFinite(cLoss) || !Double.isFinite(gLoss)
                    || (it % FINITE_CHECK_EVERY == 0 && !finite(critic, generator, encoder))) {
                throw new TrainingException("training diverged at iteration " + it + " (Wasserstein estimate " + w
                        + ", gradient penalty " + gp + ", generator loss " + gLoss
                        + "); try a lower train.learning.rate; no model was saved");
            }
            boolean stop = stopping.update(w);
            double elapsed = (System.nanoTime() - loopStart) / 1e9;
            double sps = (double) it * s.criticSteps() * batch / Math.max(elapsed, 1e-9);
            double eta = elapsed / it * (s.iterations() - it);
            double epoch = (double) it * s.criticSteps() * batch / trainCount;
            IterationStats stats = new IterationStats(it, s.iterations(), epoch, w, stopping.smoothed(), gp, cLoss, gLoss,
                    sps, elapsed, eta);
            history.add(stats);
            listener.onIteration(stats);
            if (stop) {
                earlyStopped = true;
                break;
            }
        }
        if (!finite(critic, generator, encoder)) {
            throw new TrainingException("training produced non-finite weights; try a lower train.learning.rate; no model was saved");
        }
        return new Result(critic, generator, encoder, history, earlyStopped);
    }

    private static boolean finite(Mlp critic, Mlp generator, Mlp encoder) {
        return Nd4jBatches.finite(critic) && Nd4jBatches.finite(generator) && (encoder == null || Nd4jBatches.finite(encoder));
    }

    /** A conditional generator's layer sizes: context + latent in, the generator's hidden sizes, one value per feature out. */
    static int[] generatorSizes(ConditionalLayout layout, TrainingSettings s) {
        return MlpInit.layerSizes(layout.contextSize() + s.latentSize(), s.generatorHidden(), layout.features());
    }

    /** The encoder mirrors the generator: its hidden sizes in reverse order. */
    static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /** Adam for wgan-gp and gan, RMSProp for wgan-cp (as each loss's paper), at {@link TrainingSettings#effectiveLearningRate}. */
    private Optimizer optimizer(Mlp net, GanLoss loss) {
        double lr = s.effectiveLearningRate();
        return loss == GanLoss.WGAN_CP ? new RmsProp(net.flatParams(), lr) : new Adam(net.flatParams(), lr, s.beta1(), s.beta2());
    }

    /** Clips every weight and bias of {@code net} to {@code [-c, c]} in place (wgan-cp's Lipschitz constraint). */
    static void clip(Mlp net, double c) {
        INDArray p = net.flatParams();
        Transforms.min(Transforms.max(p, -c, false), c, false);
    }
}
