package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code alarm.likelihood.squash}: how a surprise enters the likelihood's average. */
class KeyAlarmSquashTest {
    private static final double[] IN_RANGE = {0.0};

    private static AlarmPolicy policy(AlarmPolicy.Squash squash) {
        return new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 8640, 100, false, 0.05, 1, 1, 10, 0.25,
                false, false, 0, AlarmPolicy.Tail.BOTH, 0, false, squash);
    }

    /** Alarm events of a fresh key (no prior: it learns its own normal first) over the surprises. */
    private static int alarms(AlarmPolicy.Squash squash, double[] surprise) {
        KeyAlarm a = new KeyAlarm(policy(squash), 1);
        a.reset(AlarmSeed.none());
        AlarmResult r = new AlarmResult();
        int fired = 0;
        for (double s : surprise) {
            a.next(s, 0.5, 0.99, IN_RANGE, r);
            fired += r.anomaly ? 1 : 0;
        }
        return fired;
    }

    /** 3,000 records of N(0,1) surprise, then {@code tail} records: {@code first} once, then {@code rest} + N(0,1). */
    private static double[] stream(double first, double rest, int tail) {
        Random rnd = new Random(11);
        double[] s = new double[3000 + tail];
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextGaussian() + (i > 3000 ? rest : 0);
        }
        s[3000] = first;
        return s;
    }

    @Test
    void oneExtremeSurpriseAlarmsAsItIsButNotOnceCompressed() {
        double[] spike = stream(40, 0, 30);
        assertThat(alarms(AlarmPolicy.Squash.NONE, spike)).isPositive();
        assertThat(alarms(AlarmPolicy.Squash.LOG, spike)).isZero();
    }

    @Test
    void aLastingSurpriseStillAlarmsOnceCompressed() {
        double[] lasting = stream(4, 4, 300);
        assertThat(alarms(AlarmPolicy.Squash.LOG, lasting)).isPositive();
    }

    @Test
    void theCompressionIsOddAndMonotoneAndNoneIsTheIdentity() {
        assertThat(AlarmPolicy.Squash.LOG.apply(0)).isZero();
        assertThat(AlarmPolicy.Squash.LOG.apply(Math.E - 1)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(AlarmPolicy.Squash.LOG.apply(-3)).isEqualTo(-AlarmPolicy.Squash.LOG.apply(3));
        assertThat(AlarmPolicy.Squash.LOG.apply(40)).isGreaterThan(AlarmPolicy.Squash.LOG.apply(4));
        assertThat(AlarmPolicy.Squash.NONE.apply(-7.25)).isEqualTo(-7.25);
    }

    @Test
    void aPolicyWithoutASquashIsRefused() {
        assertThatThrownBy(() -> policy(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
