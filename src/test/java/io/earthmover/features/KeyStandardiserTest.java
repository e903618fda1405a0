package io.earthmover.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyStandardiserTest {

    @Test
    void standardisesWithTheStatisticsOfTheRecordsBefore() {
        KeyStandardiser s = new KeyStandardiser(1);
        double[] out = new double[1];
        Random r = new Random(1);
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (int i = 0; i < 500; i++) {
            double v = 40 + 3 * r.nextGaussian();
            s.standardise(new double[] {v}, out);
            if (n >= 2) {
                double mean = sum / n;
                double var = sumSq / n - mean * mean;
                assertThat(out[0]).as("record %d", i).isCloseTo((v - mean) / Math.sqrt(var), offset(1e-6));
            }
            sum += v;
            sumSq += v * v;
            n++;
        }
        assertThat(s.ready()).isTrue();
    }

    @Test
    void applyStandardisesWithoutLearningAndAddLearnsAsStandardiseDoes() {
        KeyStandardiser split = new KeyStandardiser(2);
        KeyStandardiser joined = new KeyStandardiser(2);
        double[] a = new double[2];
        double[] b = new double[2];
        Random r = new Random(3);
        for (int i = 0; i < 1500; i++) {
            double[] v = {5 + r.nextGaussian(), -2 + 0.1 * r.nextGaussian()};
            split.apply(v, a);
            split.apply(v, a); // applying twice changes nothing
            assertThat(split.count()).isEqualTo(i);
            split.add(v);
            joined.standardise(v, b);
            assertThat(a).containsExactly(b[0], b[1]);
            assertThat(split.unstandardise(0, 1.5)).isEqualTo(joined.unstandardise(0, 1.5));
        }
    }

    @Test
    void isNotReadyDuringItsWarmUp() {
        KeyStandardiser s = new KeyStandardiser(2);
        double[] out = new double[2];
        for (int i = 0; i < KeyStandardiser.WARMUP; i++) {
            assertThat(s.ready()).isFalse();
            s.standardise(new double[] {i, -i}, out);
        }
        assertThat(s.ready()).isTrue();
    }

    @Test
    void followsALastingChangeOnceItsHistoryIsFull() {
        KeyStandardiser s = new KeyStandardiser(1);
        double[] out = new double[1];
        Random r = new Random(2);
        for (int i = 0; i < 3000; i++) {
            s.standardise(new double[] {r.nextGaussian()}, out);
        }
        for (int i = 0; i < 5000; i++) {
            s.standardise(new double[] {10 + r.nextGaussian()}, out);
        }
        assertThat(Math.abs(out[0])).as("the new level is normal again").isLessThan(4);
    }

    @Test
    void anyDepartureFromAConstantStandsOut() {
        KeyStandardiser s = new KeyStandardiser(1);
        double[] out = new double[1];
        for (int i = 0; i < 100; i++) {
            s.standardise(new double[] {250.0}, out);
        }
        assertThat(out[0]).isZero();
        s.standardise(new double[] {250.5}, out);
        assertThat(out[0]).isGreaterThan(1000).isFinite();
    }

    @Test
    void storedStatisticsContinueExactly() {
        KeyStandardiser a = new KeyStandardiser(3);
        Random r = new Random(3);
        double[] out = new double[3];
        for (int i = 0; i < 1200; i++) {
            a.standardise(new double[] {r.nextGaussian(), 5 * r.nextGaussian(), 1}, out);
        }
        ByteBuffer b = ByteBuffer.allocate(a.storedSize());
        a.store(b);
        assertThat(b.hasRemaining()).isFalse();
        KeyStandardiser c = new KeyStandardiser(3);
        assertThat(c.load(ByteBuffer.wrap(b.array()))).isTrue();
        double[] x = {0.3, -2, 1.5};
        double[] oa = new double[3];
        double[] oc = new double[3];
        a.standardise(x, oa);
        c.standardise(x, oc);
        assertThat(oc).containsExactly(oa);
        assertThat(new KeyStandardiser(2).load(ByteBuffer.wrap(b.array()))).isFalse();
    }
}
