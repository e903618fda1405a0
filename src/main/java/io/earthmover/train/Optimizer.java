package io.earthmover.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Updates a network's flat parameter vector in place from its flat gradient (which it may consume). */
interface Optimizer {
    void step(INDArray gradient);
}
