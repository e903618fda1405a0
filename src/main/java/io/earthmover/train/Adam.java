package io.earthmover.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Adam (Kingma and Ba) with bias correction, in place on ND4J parameter arrays. */
final class Adam {
    static final double EPSILON = 1e-8;

    private final INDArray[] params;
    private final INDArray[] m;
    private final INDArray[] v;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private long t;

    Adam(INDArray[] params, double lr, double beta1, double beta2) {
        this.params = params;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.m = new INDArray[params.length];
        this.v = new INDArray[params.length];
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < params.length; i++) {
                m[i] = Nd4j.zeros(params[i].dataType(), params[i].shape());
                v[i] = Nd4j.zeros(params[i].dataType(), params[i].shape());
            }
        }
    }

    /** One update; {@code grads} is consumed (used as scratch). */
    void step(INDArray[] grads) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        double stepSize = lr * Math.sqrt(c2) / c1;
        for (int i = 0; i < params.length; i++) {
            INDArray g = grads[i];
            m[i].muli(beta1).addi(g.mul(1 - beta1));
            v[i].muli(beta2).addi(g.muli(g).muli(1 - beta2));
            // eps scaled like in the paper's efficient form: lr_t * m / (sqrt(v) + eps_hat)
            INDArray denom = Transforms.sqrt(v[i], true).addi(EPSILON * Math.sqrt(c2));
            params[i].subi(m[i].div(denom).muli(stepSize));
        }
    }

    long steps() {
        return t;
    }
}
