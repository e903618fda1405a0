package io.earthmover.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba) with bias correction, in place on a network's flat parameter vector:
 * a few ND4J ops per step whatever the number of layers.
 */
final class Adam {
    static final double EPSILON = 1e-8;

    private final INDArray params;
    private final INDArray m;
    private final INDArray v;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private long t;

    Adam(INDArray flatParams, double lr, double beta1, double beta2) {
        this.params = flatParams;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.m = Nd4j.zeros(flatParams.dataType(), flatParams.shape());
            this.v = Nd4j.zeros(flatParams.dataType(), flatParams.shape());
        }
    }

    /** One update with the flat gradient {@code g}, which is consumed (used as scratch). */
    void step(INDArray g) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        double stepSize = lr * Math.sqrt(c2) / c1;
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.muli(g).muli(1 - beta2));
        // the paper's efficient form: lr_t * m / (sqrt(v) + eps_hat)
        INDArray denom = Transforms.sqrt(v, true).addi(EPSILON * Math.sqrt(c2));
        params.subi(m.div(denom).muli(stepSize));
    }

    long steps() {
        return t;
    }
}
