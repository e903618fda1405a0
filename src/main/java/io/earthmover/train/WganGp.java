package io.earthmover.train;

import io.earthmover.model.ConditionalLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * WGAN-GP losses and their exact gradients (Gulrajani et al. 2017), written out by hand:
 * <pre>
 *   critic    L_D = mean D(G(z)) - mean D(x) + lambda * mean((|grad_x D(xh)|_2 - 1)^2),
 *             xh = eps * x + (1 - eps) * G(z), eps ~ U(0,1) per sample
 *   generator L_G = -mean D(G(z))
 * </pre>
 * The penalty's weight gradient is the backward pass of the input-gradient pass
 * ({@link InputGradientPass#backward}). Package-private: only the trainer and its tests use it.
 *
 * <p>With {@link GanLoss#GAN} the adversarial terms are the original GAN's instead (see there):
 * {@code L_D = mean softplus(-D(x)) + mean softplus(D(G(z)))}, {@code L_G = mean softplus(-D(G(z)))};
 * the penalty is still computed and reported, and trained on only when {@code lambda} is not 0.
 * {@link GanLoss#WGAN_CP} uses the Wasserstein terms; its clipping is the optimiser's business.
 *
 * <p><b>Conditional</b> ({@code train.conditional}, a {@link ConditionalLayout}): the generator's
 * input is the real row's context followed by z, its output the newest step's n values {@code g},
 * and the fake row is the real row with that step replaced ({@link #assemble}: newest values
 * {@code := g}, newest differences {@code := diff + g - value}). Fake rows share the real rows'
 * context, so the critic rates (context, newest step) pairs, and so do the interpolates
 * {@code xh = eps x + (1 - eps) fake}: the penalty code applies to the pair unchanged. The
 * generator's gradient goes through the assembly: {@code dL/dg_f = dL/dx[value f] + dL/dx[diff f]}.
 */
public final class WganGp {
    /** Guards the division by the gradient norm when a row's input gradient is exactly zero. */
    static final double NORM_EPS = 1e-12;

    private final Mlp critic;
    private final Mlp generator;
    private final GanLoss loss;
    /** Penalise the L1 norm of the input gradient instead of the L2 norm (Banach WGAN's dual norm for an L-infinity cost). */
    private final boolean l1;
    /** With {@code train.conditional}: where the newest step sits in a critic input; null for the joint model. */
    private final ConditionalLayout conditional;

    public WganGp(Mlp critic, Mlp generator) {
        this(critic, generator, GanLoss.WGAN_GP);
    }

    public WganGp(Mlp critic, Mlp generator, GanLoss loss) {
        this(critic, generator, loss, false);
    }

    /**
     * @param l1 penalise {@code (|grad D|_1 - 1)^2} instead of {@code (|grad D|_2 - 1)^2}: the critic is
     *           then 1-Lipschitz in the L-infinity distance (Adler and Lunz 2018, "Banach Wasserstein GAN":
     *           the penalty uses the dual norm of the cost's), so it can fall by the largest single
     *           coordinate's departure rather than by the Euclidean length of all of them together
     */
    public WganGp(Mlp critic, Mlp generator, GanLoss loss, boolean l1) {
        this(critic, generator, loss, l1, null);
    }

    /** @param conditional the layout of a conditional model's critic input, or null for the joint model */
    public WganGp(Mlp critic, Mlp generator, GanLoss loss, boolean l1, ConditionalLayout conditional) {
        this.conditional = conditional;
        this.critic = critic;
        this.generator = generator;
        this.loss = loss;
        this.l1 = l1;
    }

    Mlp critic() {
        return critic;
    }

    Mlp generator() {
        return generator;
    }

    /** Scalars of one critic evaluation. {@code wasserstein} = mean D(real) - mean D(fake); {@code penalty} before lambda. */
    public record CriticValues(double meanReal, double meanFake, double penalty, double loss) {
        double wasserstein() {
            return meanReal - meanFake;
        }
    }

    /**
     * Critic loss for a batch and, when {@code grads} is not null, its gradient written into
     * {@code grads} (overwritten).
     *
     * @param withWasserstein include the {@code mean D(fake) - mean D(real)} term
     * @param lambda          penalty weight (0 leaves the penalty out of loss and gradient,
     *                        though its value is still reported)
     */
    public CriticValues critic(INDArray real, INDArray z, INDArray eps, double lambda, boolean withWasserstein, Mlp.Params grads) {
        return critic(real, z, null, eps, lambda, withWasserstein, grads);
    }

    /**
     * As above, with the first {@code aux.rows()} fake rows replaced by auxiliary negatives: the
     * critic then measures the distance from the data to a mixture of the generator and the
     * auxiliary distribution, which makes it fall away from the data (the generator gets no gradient
     * here, so replacing rows of its output changes nothing else).
     */
    public CriticValues critic(INDArray real, INDArray z, INDArray aux, INDArray eps, double lambda, boolean withWasserstein,
            Mlp.Params grads) {
        if (grads != null) {
            grads.zero();
        }
        long n = real.rows();
        DataType dt = real.dataType();
        INDArray fake = conditional == null ? generator.output(z)
                : assemble(conditional, real, generator.output(generatorInput(conditional, real, z)));
        if (aux != null && aux.rows() > 0) {
            fake.get(NDArrayIndex.interval(0, aux.rows()), NDArrayIndex.all()).assign(aux);
        }

        // rows: [0,n) real, [n,2n) fake, [2n,3n) interpolates xh = fake + eps (real - fake):
        // one forward pass and one backward pass serve the Wasserstein term and the input gradient
        INDArray all = Nd4j.createUninitialized(dt, 3 * n, real.columns());
        all.get(NDArrayIndex.interval(0, n)).assign(real);
        all.get(NDArrayIndex.interval(n, 2 * n)).assign(fake);
        all.get(NDArrayIndex.interval(2 * n, 3 * n)).assign(real).subi(fake).muliColumnVector(eps).addi(fake);
        Mlp.Forward fa = critic.forward(all);
        double[] d = values(fa.out());
        double sumReal = 0;
        double sumFake = 0;
        for (int i = 0; i < n; i++) {
            sumReal += d[i];
            sumFake += d[(int) n + i];
        }
        double meanReal = sumReal / n;
        double meanFake = sumFake / n;
        // the reported estimate is W(data, generator): auxiliary rows are optimised against, not measured
        int k = aux == null ? 0 : (int) aux.rows();
        double meanGenerated = meanFake;
        if (k > 0 && k < n) {
            double sumGen = 0;
            for (int i = k; i < n; i++) {
                sumGen += d[(int) n + i];
            }
            meanGenerated = sumGen / (n - k);
        }
        double[] up = new double[(int) (3 * n)];
        double adversarial = withWasserstein ? adversarial(d, (int) n, meanReal, meanFake, up) : 0;
        for (int i = 0; i < n; i++) {
            up[(int) (2 * n) + i] = 1.0; // dD/dD: the input-gradient pass
        }
        INDArray dOut = column(up, dt);
        Mlp.Params sink = grads != null ? grads : critic.zerosLikeParams();
        Mlp.Backward back = InputGradientPass.fused(critic, fa, dOut, sink, 1.0, 2 * n, 2 * n);

        // gradient penalty at the interpolates
        INDArray g = back.dx();
        double[] gv = values(g);
        int cols = (int) g.columns();
        double[] coef = new double[(int) n];
        double penalty = 0;
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = i * cols; j < (i + 1) * cols; j++) {
                norm += l1 ? Math.abs(gv[j]) : gv[j] * gv[j];
            }
            norm = l1 ? norm : Math.sqrt(norm);
            double dev = norm - 1;
            penalty += dev * dev;
            // L2: dP/dg_i = (2/n) (|g_i| - 1) g_i / |g_i|;  L1: dP/dg_i = (2/n) (|g_i|_1 - 1) sign(g_i)
            coef[i] = l1 ? 2.0 / n * dev : 2.0 / n * dev / Math.max(norm, NORM_EPS);
        }
        penalty /= n;
        if (lambda != 0 && grads != null) {
            // g's values were read above, so it may be overwritten
            INDArray gBar = (l1 ? Transforms.sign(g, false) : g).muliColumnVector(column(coef, dt));
            InputGradientPass.backward(critic, InputGradientPass.rows(fa, 2 * n, 3 * n),
                    InputGradientPass.rows(back, 2 * n, 3 * n, g), gBar, grads, lambda);
        }
        return new CriticValues(meanReal, meanGenerated, penalty, adversarial + lambda * penalty);
    }

    /**
     * The critic's adversarial loss over real rows {@code d[0,n)} and fake rows {@code d[n,2n)};
     * writes its derivative by each critic output into {@code up[0,2n)}.
     */
    private double adversarial(double[] d, int n, double meanReal, double meanFake, double[] up) {
        if (loss != GanLoss.GAN) {
            for (int i = 0; i < n; i++) {
                up[i] = -1.0 / n;
                up[n + i] = 1.0 / n;
            }
            return meanFake - meanReal;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            // -log sigmoid(D(x)) = softplus(-D(x)); -log(1 - sigmoid(D(f))) = softplus(D(f))
            sum += softplus(-d[i]) + softplus(d[n + i]);
            up[i] = -sigmoid(-d[i]) / n;
            up[n + i] = sigmoid(d[n + i]) / n;
        }
        return sum / n;
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** 1 / (1 + e^-x) without overflow. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** A column vector of type {@code dt} without a separate cast op (each ND4J op costs ~10 us here). */
    static INDArray column(double[] v, DataType dt) {
        if (dt != DataType.FLOAT) {
            return Nd4j.create(v, new long[] {v.length, 1}, 'c').castTo(dt);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Nd4j.create(f, new long[] {v.length, 1}, 'c');
    }

    /** The array's values in row-major order (INDArray.toDoubleMatrix reads element by element: far slower). */
    static double[] values(INDArray a) {
        // a fresh c-order result (gemm output) is read as is; only views need the copy
        INDArray c = a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
        double[] v = c.data().asDouble();
        return v.length == c.length() ? v : java.util.Arrays.copyOf(v, (int) c.length());
    }

    /** The conditional generator's input: each row's context (older values, then older differences), then its z. */
    static INDArray generatorInput(ConditionalLayout c, INDArray real, INDArray z) {
        INDArray values = real.get(NDArrayIndex.all(), NDArrayIndex.interval(0, c.valueStart()));
        if (c.differenceStart() < 0) {
            return Nd4j.hstack(values, z);
        }
        INDArray diffs = real.get(NDArrayIndex.all(), NDArrayIndex.interval(c.window() * c.features(), c.differenceStart()));
        return Nd4j.hstack(values, diffs, z);
    }

    /** Real rows with their newest step replaced by {@code g}: values {@code := g}, differences {@code := diff + (g - value)}. */
    static INDArray assemble(ConditionalLayout c, INDArray real, INDArray g) {
        INDArray fake = real.dup('c');
        INDArray values = fake.get(NDArrayIndex.all(), NDArrayIndex.interval(c.valueStart(), c.valueStart() + c.features()));
        if (c.differenceStart() >= 0) {
            INDArray diffs = fake.get(NDArrayIndex.all(), NDArrayIndex.interval(c.differenceStart(),
                    c.differenceStart() + c.features()));
            diffs.addi(g.sub(values));
        }
        values.assign(g);
        return fake;
    }

    /** dL/dg from dL/dx of assembled rows: each newest value's gradient plus its difference's. */
    static INDArray newestGradient(ConditionalLayout c, INDArray dx) {
        INDArray dg = dx.get(NDArrayIndex.all(), NDArrayIndex.interval(c.valueStart(), c.valueStart() + c.features())).dup('c');
        if (c.differenceStart() >= 0) {
            dg.addi(dx.get(NDArrayIndex.all(), NDArrayIndex.interval(c.differenceStart(), c.differenceStart() + c.features())));
        }
        return dg;
    }

    /**
     * The generator loss for a conditional model, whose fakes complete the rows of {@code real}
     * (for the joint model {@code real} is ignored: {@link #generator(INDArray, Mlp.Params)}).
     */
    public double generator(INDArray real, INDArray z, Mlp.Params grads) {
        if (conditional == null) {
            return generator(z, grads);
        }
        Mlp.Forward fg = generator.forward(generatorInput(conditional, real, z));
        return generatorLoss(z.rows(), fg, assemble(conditional, real, fg.out()), grads, z.dataType());
    }

    /**
     * Generator loss {@code -mean D(G(z))} (for gan {@code mean softplus(-D(G(z)))}); gradient into
     * {@code grads} (overwritten) when not null.
     */
    public double generator(INDArray z, Mlp.Params grads) {
        if (conditional != null) {
            throw new IllegalStateException("a conditional generator needs the real rows it completes");
        }
        Mlp.Forward fg = generator.forward(z);
        return generatorLoss(z.rows(), fg, fg.out(), grads, z.dataType());
    }

    /** The generator loss of the fake rows {@code fake} made by the generator pass {@code fg}; gradient into grads. */
    private double generatorLoss(long n, Mlp.Forward fg, INDArray fake, Mlp.Params grads, DataType dt) {
        Mlp.Forward fc = critic.forward(fake);
        double value;
        INDArray dOut = null;
        if (loss == GanLoss.GAN) {
            double[] d = values(fc.out());
            double[] up = new double[d.length];
            double sum = 0;
            for (int i = 0; i < d.length; i++) {
                sum += softplus(-d[i]);
                up[i] = -sigmoid(-d[i]) / n;
            }
            value = sum / n;
            dOut = grads == null ? null : column(up, dt);
        } else {
            value = -fc.out().sumNumber().doubleValue() / n;
        }
        if (grads != null) {
            grads.zero();
            if (dOut == null) {
                dOut = Nd4j.valueArrayOf(new long[] {n, 1}, -1.0 / n, dt);
            }
            INDArray dx = critic.backward(fc, dOut, null, 1.0).dx();
            generator.backward(fg, conditional == null ? dx : newestGradient(conditional, dx), grads, 1.0, false);
        }
        return value;
    }
}
