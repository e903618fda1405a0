package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamTest {
    @Test
    void matchesTheAdamFormulaOverSeveralSteps() {
        double lr = 0.01;
        double b1 = 0.5;
        double b2 = 0.9;
        Random r = new Random(1);
        int n = 6;
        double[] p = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextGaussian();
        }
        INDArray params = Nd4j.create(p.clone(), new long[] {n}, 'c');
        Adam adam = new Adam(params, lr, b1, b2);
        for (int t = 1; t <= 4; t++) {
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = r.nextGaussian();
            }
            adam.step(Nd4j.create(g.clone(), new long[] {n}, 'c'));
            double lrT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int i = 0; i < n; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                p[i] -= lrT * m[i] / (Math.sqrt(v[i]) + Adam.EPSILON);
            }
            for (int i = 0; i < n; i++) {
                assertThat(params.getDouble(i)).as("step %d param %d", t, i)
                        .isCloseTo(p[i], org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        assertThat(adam.steps()).isEqualTo(4);
    }
}
