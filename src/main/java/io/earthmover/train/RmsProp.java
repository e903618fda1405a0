package io.earthmover.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * RMSProp (Tieleman and Hinton), as the original WGAN trains with it (Arjovsky et al. 2017: a
 * momentum-free method, because momentum made their clipped critic unstable), in place on a
 * network's flat parameters: {@code s = decay s + (1 - decay) g^2; p -= lr g / (sqrt(s) + eps)}.
 */
final class RmsProp implements Optimizer {
    /** The squared-gradient average's decay of the WGAN authors' PyTorch code (torch.optim.RMSprop's alpha). */
    static final double DECAY = 0.99;
    static final double EPSILON = 1e-8;

    private final INDArray params;
    private final INDArray state;
    private final double lr;

    RmsProp(INDArray flatParams, double lr) {
        this.params = flatParams;
        this.lr = lr;
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.state = Nd4j.zeros(flatParams.dataType(), flatParams.shape());
        }
    }

    /** One update; {@code g} is consumed (ND4J's fused rms_prop_updater turns it into the update). */
    @Override
    public void step(INDArray g) {
        Nd4j.exec(new RmsPropUpdater(g, state, lr, DECAY, EPSILON));
        params.subi(g);
    }
}
