package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code alarm.likelihood.tail}: which deviations of the averaged surprise alarm. */
class KeyAlarmLikelihoodOptionsTest {
    private static final double[] IN_RANGE = {0.0};

    private static AlarmPolicy policy(AlarmPolicy.Tail tail) {
        return new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 8640, 100, false, 0.05, 1, 1, 10, 0.25,
                false, false, 0, tail);
    }

    private static AlarmSeed seed() {
        return new AlarmSeed(0, 0.3, 2000, 10, new double[] {-1}, new double[] {1});
    }

    /** Alarms over {@code n} records of surprise {@code surprise[i]} and calibrated score {@code score[i]}. */
    private static int alarms(KeyAlarm a, double[] surprise, double[] score) {
        AlarmResult r = new AlarmResult();
        int fired = 0;
        for (int i = 0; i < surprise.length; i++) {
            a.next(surprise[i], score[i], 0.99, IN_RANGE, r);
            fired += r.anomaly ? 1 : 0;
        }
        return fired;
    }

    /** 3,000 records of N(0,1) surprise and uniform scores, then 300 records {@code shift} away in both. */
    private static double[][] stream(double surpriseShift, double scoreLevel) {
        Random rnd = new Random(7);
        int n = 3300;
        double[] s = new double[n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            boolean shifted = i >= 3000;
            s[i] = rnd.nextGaussian() + (shifted ? surpriseShift : 0);
            c[i] = shifted ? scoreLevel : rnd.nextDouble();
        }
        return new double[][] {s, c};
    }

    @Test
    void bothTailsAlarmOnAStretchMoreNormalThanUsualTheUpperTailDoesNot() {
        double[][] calmer = stream(-6, 0.5);
        KeyAlarm both = new KeyAlarm(policy(AlarmPolicy.Tail.BOTH), 1);
        both.reset(seed());
        KeyAlarm upper = new KeyAlarm(policy(AlarmPolicy.Tail.UPPER), 1);
        upper.reset(seed());
        assertThat(alarms(both, calmer[0], calmer[1])).isPositive();
        assertThat(alarms(upper, calmer[0], calmer[1])).isZero();
    }

    @Test
    void theUpperTailStillAlarmsOnAStretchLessNormalThanUsual() {
        double[][] worse = stream(6, 0.5);
        KeyAlarm upper = new KeyAlarm(policy(AlarmPolicy.Tail.UPPER), 1);
        upper.reset(seed());
        assertThat(alarms(upper, worse[0], worse[1])).isPositive();
    }

    @Test
    void aPolicyWithoutATailIsRefused() {
        assertThatThrownBy(() -> new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 8640, 100, false, 0.05,
                1, 1, 10, 0.25, false, false, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
