package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code alarm.likelihood.recurrence}: a surprise the key has shown k times before does not alarm. */
class KeyAlarmRecurrenceTest {
    private static final double[] IN_RANGE = {0.0};
    /** A "day" of the generated key: one spike per period. */
    private static final int PERIOD = 288;
    private static final int PERIODS = 12;
    private static final int SPIKE = 12;

    private static AlarmPolicy policy(int recurrence) {
        return new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 8640, 100, false, 0.05, 1, 1, 10, 0.25,
                false, false, 0, AlarmPolicy.Tail.BOTH, recurrence, false, AlarmPolicy.Squash.NONE);
    }

    private static KeyAlarm fresh(int recurrence) {
        KeyAlarm a = new KeyAlarm(policy(recurrence), 1);
        a.reset(new AlarmSeed(0, 0.3, 2000, 10, new double[] {-1}, new double[] {1}));
        return a;
    }

    /**
     * Noise N(0, 0.3²), and once per period a spike of {@code SPIKE} records at surprise 4 (the same
     * height every period, as a periodic series' daily edge gives); in the last period the spike is 8.
     */
    private static double[] stream() {
        Random rnd = new Random(3);
        double[] s = new double[PERIOD * PERIODS];
        for (int i = 0; i < s.length; i++) {
            int phase = i % PERIOD;
            boolean spike = phase >= 200 && phase < 200 + SPIKE;
            s[i] = spike ? (i / PERIOD == PERIODS - 1 ? 8 : 4) : 0.3 * rnd.nextGaussian();
        }
        return s;
    }

    /** The periods (0-based) in which the key alarmed. */
    private static List<Integer> alarmingPeriods(KeyAlarm a, double[] surprise, int from) {
        AlarmResult r = new AlarmResult();
        List<Integer> periods = new ArrayList<>();
        for (int i = from; i < surprise.length; i++) {
            a.next(surprise[i], 0.5, 0.99, IN_RANGE, r);
            if (r.anomaly && (periods.isEmpty() || periods.get(periods.size() - 1) != i / PERIOD)) {
                periods.add(i / PERIOD);
            }
        }
        return periods;
    }

    @Test
    void withoutTheTestTheSameSpikeAlarmsEveryPeriod() {
        assertThat(alarmingPeriods(fresh(0), stream(), 0)).hasSizeGreaterThanOrEqualTo(PERIODS - 1);
    }

    @Test
    void aSpikeStopsAlarmingOnceItHasRecurredKTimesAndAHigherOneStillAlarms() {
        List<Integer> periods = alarmingPeriods(fresh(2), stream(), 0);
        assertThat(periods).as("the first spikes alarm; from the third on the key has shown two like it")
                .filteredOn(p -> p < PERIODS - 1).allMatch(p -> p < 2).isNotEmpty();
        assertThat(periods).as("the last period's spike is higher than any before").contains(PERIODS - 1);
    }

    @Test
    void aStoredStateLoadsWithItsBlockMaximaAndGoesOnAsIfNeverStored() {
        double[] s = stream();
        int half = PERIOD * PERIODS / 2 + 37;
        KeyAlarm straight = fresh(2);
        List<Integer> all = alarmingPeriods(straight, s, 0);

        KeyAlarm first = fresh(2);
        AlarmResult r = new AlarmResult();
        List<Integer> before = new ArrayList<>();
        for (int i = 0; i < half; i++) {
            first.next(s[i], 0.5, 0.99, IN_RANGE, r);
            if (r.anomaly && !before.contains(i / PERIOD)) {
                before.add(i / PERIOD);
            }
        }
        ByteBuffer b = ByteBuffer.allocate(first.storedSize());
        first.store(b);
        assertThat(b.remaining()).as("storedSize is exact").isZero();
        KeyAlarm second = new KeyAlarm(policy(2), 1);
        assertThat(second.load(b.flip())).isTrue();
        List<Integer> after = alarmingPeriods(second, s, half);
        List<Integer> joined = new ArrayList<>(before);
        after.stream().filter(p -> !joined.contains(p)).forEach(joined::add);
        assertThat(joined).isEqualTo(all);
    }

    @Test
    void aStateWrittenWithoutMaximaLoadsUnderTheTestAndTheOtherWayRound() {
        double[] s = stream();
        KeyAlarm plain = fresh(0);
        alarmingPeriods(plain, s, 0);
        ByteBuffer without = ByteBuffer.allocate(plain.storedSize());
        plain.store(without);
        KeyAlarm withTest = new KeyAlarm(policy(2), 1);
        assertThat(withTest.load(without.flip())).isTrue();
        assertThat(withTest.storedSize()).as("its blocks now keep maxima (unknown ones, which never count)")
                .isEqualTo(plain.storedSize() + 4 * (s.length / 100) + 8);
        // unknown maxima never count as a recurrence: the next spike at the same height alarms as without the test
        AlarmResult r = new AlarmResult();
        boolean alarmed = false;
        for (int i = 0; i < PERIOD; i++) {
            withTest.next(i % PERIOD >= 200 && i % PERIOD < 200 + SPIKE ? 8 : 0.0, 0.5, 0.99, IN_RANGE, r);
            alarmed |= r.anomaly;
        }
        assertThat(alarmed).isTrue();

        ByteBuffer with = ByteBuffer.allocate(withTest.storedSize());
        withTest.store(with);
        KeyAlarm noTest = new KeyAlarm(policy(0), 1);
        assertThat(noTest.load(with.flip())).isTrue();
        ByteBuffer again = ByteBuffer.allocate(noTest.storedSize());
        noTest.store(again);
        assertThat(again.position()).isEqualTo(noTest.storedSize());
    }
}
