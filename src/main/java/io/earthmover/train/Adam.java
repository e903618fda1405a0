package io.earthmover.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;

/**
 * Adam (Kingma and Ba) with bias correction, in place on a network's flat parameter vector:
 * a few ND4J ops per step whatever the number of layers.
 */
public final class Adam implements Optimizer {
    static final double EPSILON = 1e-8;

    private final INDArray params;
    private final INDArray m;
    private final INDArray v;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private long t;

    public Adam(INDArray flatParams, double lr, double beta1, double beta2) {
        this.params = flatParams;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.m = Nd4j.zeros(flatParams.dataType(), flatParams.shape());
            this.v = Nd4j.zeros(flatParams.dataType(), flatParams.shape());
        }
    }

    /**
     * One update with the flat gradient {@code g}, which is consumed: ND4J's fused adam_updater
     * turns it into the update {@code lr_t * m / (sqrt(v) + eps)} with
     * {@code lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)} (the paper's efficient form).
     */
    @Override
    public void step(INDArray g) {
        Nd4j.exec(new AdamUpdater(g, v, m, lr, beta1, beta2, EPSILON, (int) t));
        t++;
        params.subi(g);
    }

    long steps() {
        return t;
    }
}
