package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Guarded adaptation in the alarm layer: the likelihood's history and the range rule (issue 25). */
class KeyAlarmGuardTest {
    /** Likelihood signal, a short history (3 blocks of 100: a shift fills it in 300 records), no range rule. */
    private static AlarmPolicy likelihood(boolean guard, boolean range) {
        return new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 300, 100, range, 0.05, 1, 1, 10, 0.25,
                false, guard, 100);
    }

    private static AlarmSeed seed() {
        return new AlarmSeed(0, 0.3, 2000, 10, new double[] {-3}, new double[] {3});
    }

    /** Per record: bit 0 anomaly, bit 1 anomalous, bit 2 flagged. */
    private static int[] run(KeyAlarm a, double[] surprise, double[] value) {
        AlarmResult r = new AlarmResult();
        int[] out = new int[surprise.length];
        for (int i = 0; i < surprise.length; i++) {
            a.next(surprise[i], 0.5, 0.99, new double[] {value[i]}, r);
            assertThat(r.flagged).as("an anomalous record is flagged").isEqualTo(r.flagged || r.anomalous);
            out[i] = (r.anomaly ? 1 : 0) | (r.anomalous ? 2 : 0) | (r.flagged ? 4 : 0);
        }
        return out;
    }

    private static int count(int[] out, int from, int to, int bit) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += (out[i] & bit) != 0 ? 1 : 0;
        }
        return n;
    }

    private static double[] noise(int n, long seed, double std) {
        Random rnd = new Random(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = std * rnd.nextGaussian();
        }
        return s;
    }

    @Test
    void aLastingShiftOfTheSurpriseStaysAnomalousUnderTheGuardAndIsAbsorbedWithout() {
        double[] s = noise(3000, 1, 1);
        for (int i = 1000; i < 2000; i++) {
            s[i] += 6;
        }
        double[] v = new double[s.length];
        KeyAlarm plain = new KeyAlarm(likelihood(false, false), 1);
        plain.reset(seed());
        int[] p = run(plain, s, v);
        KeyAlarm guarded = new KeyAlarm(likelihood(true, false), 1);
        guarded.reset(seed());
        int[] g = run(guarded, s, v);

        assertThat(count(p, 1000, 1010, 1)).as("both alarm at the start").isEqualTo(1);
        assertThat(count(g, 1000, 1010, 1)).isEqualTo(1);
        // without the guard the shift fills the history and becomes the key's normal
        assertThat(count(p, 1500, 2000, 2)).as("absorbed without the guard").isZero();
        // with it the history never learns the shift: the key stays anomalous as long as it lasts
        assertThat(count(g, 1010, 2000, 2)).as("not absorbed with the guard").isEqualTo(990);
        assertThat(count(g, 1000, 2000, 1)).as("one alarm event").isEqualTo(1);
        // and it returns to normal when the anomaly ends
        assertThat(count(g, 2100, 3000, 2)).isLessThan(20);
    }

    @Test
    void aSlowDriftOfTheSurpriseIsLearntUnderTheGuard() {
        int n = 20_000;
        double[] s = noise(n, 2, 1);
        for (int i = 0; i < n; i++) {
            s[i] += 6.0 * i / n; // 6 standard deviations over 20,000 records
        }
        KeyAlarm guarded = new KeyAlarm(likelihood(true, false), 1);
        guarded.reset(seed());
        int[] g = run(guarded, s, new double[n]);
        assertThat(count(g, 0, n, 1)).as("the drift never alarms (noise rarely does)").isLessThan(10);
        assertThat(count(g, n - 1000, n, 2)).isLessThan(20);
    }

    @Test
    void underTheGuardTheRangeDoesNotGrowWithALastingLevelShift() {
        int n = 1500;
        double[] s = noise(n, 3, 1);
        double[] v = noise(n, 4, 0.5);
        for (int i = 500; i < n; i++) {
            v[i] += 10; // far beyond the training range [-3, 3]
        }
        KeyAlarm plain = new KeyAlarm(likelihood(false, true), 1);
        plain.reset(seed());
        int[] p = run(plain, s, v);
        KeyAlarm guarded = new KeyAlarm(likelihood(true, true), 1);
        guarded.reset(seed());
        int[] g = run(guarded, s, v);
        assertThat(count(p, 500, 510, 1)).isEqualTo(1);
        assertThat(count(p, 600, n, 2)).as("the range grew to include the shift").isZero();
        assertThat(count(g, 500, n, 2)).as("the range rule still fires on every shifted value").isEqualTo(n - 500);
    }

    @Test
    void aSlowDriftOfTheValueWidensTheGuardedRange() {
        int n = 20_000;
        double[] v = noise(n, 5, 0.05);
        for (int i = 0; i < n; i++) {
            // from within [-3, 3] to far beyond it, 0.001 a record: a delay's lag (0.1) stays within the tolerance (0.3)
            v[i] += 20.0 * i / n;
        }
        KeyAlarm guarded = new KeyAlarm(likelihood(true, true), 1);
        guarded.reset(seed());
        int[] g = run(guarded, noise(n, 6, 1), v);
        assertThat(count(g, n - 1000, n, 2)).as("the drift was learnt: the last values are in range").isZero();
    }

    @Test
    void aGuardedStateRoundTripsAndAnUnguardedOneLoadsWithAnEmptyGuard() {
        double[] s = noise(700, 7, 1);
        for (int i = 400; i < 450; i++) {
            s[i] += 6;
        }
        double[] v = noise(700, 8, 0.5);
        KeyAlarm straight = new KeyAlarm(likelihood(true, true), 1);
        straight.reset(seed());
        int[] expected = run(straight, s, v);

        KeyAlarm a = new KeyAlarm(likelihood(true, true), 1);
        a.reset(seed());
        AlarmResult r = new AlarmResult();
        for (int i = 0; i < s.length; i++) {
            if (i > 0) {
                ByteBuffer b = ByteBuffer.allocate(a.storedSize());
                a.store(b);
                assertThat(b.hasRemaining()).isFalse();
                assertThat(b.array()[0]).isEqualTo(KeyAlarm.FORMAT_GUARDED);
                a = new KeyAlarm(likelihood(true, true), 1);
                assertThat(a.load(ByteBuffer.wrap(b.array()))).isTrue();
            }
            a.next(s[i], 0.5, 0.99, new double[] {v[i]}, r);
            int got = (r.anomaly ? 1 : 0) | (r.anomalous ? 2 : 0) | (r.flagged ? 4 : 0);
            assertThat(got).as("record %d", i).isEqualTo(expected[i]);
        }
        // a state written without the guard (format 1, as before issue 25) loads under the guard, and back
        KeyAlarm unguarded = new KeyAlarm(likelihood(false, true), 1);
        unguarded.reset(seed());
        run(unguarded, s, v);
        ByteBuffer old = ByteBuffer.allocate(unguarded.storedSize());
        unguarded.store(old);
        assertThat(old.array()[0]).isEqualTo(KeyAlarm.FORMAT);
        // bounded: the guard adds its header and at most delay entries of 1 + dim values (its history is full here)
        assertThat(a.storedSize()).isEqualTo(unguarded.storedSize() + AdaptationGuard.HEADER + 8 * 2 * 100);
        KeyAlarm upgraded = new KeyAlarm(likelihood(true, true), 1);
        assertThat(upgraded.load(ByteBuffer.wrap(old.array()))).isTrue();
        assertThat(upgraded.records()).isEqualTo(700);
        ByteBuffer guardedBytes = ByteBuffer.allocate(a.storedSize());
        a.store(guardedBytes);
        KeyAlarm downgraded = new KeyAlarm(likelihood(false, true), 1);
        assertThat(downgraded.load(ByteBuffer.wrap(guardedBytes.array()))).isTrue();
        assertThat(downgraded.records()).isEqualTo(700);
    }
}
