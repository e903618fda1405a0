package io.earthmover.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.alarm.AlarmResult;
import io.earthmover.alarm.AlarmSeed;
import io.earthmover.alarm.KeyAlarm;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class KeyStateTest {
    private static final AlarmPolicy POLICY = new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 400, 20, true,
            0.05, 1, 1, 10, 0.25, false);
    private static final AlarmSeed SEED = new AlarmSeed(0, 0.3, 100, 10, new double[] {-1}, new double[] {1});

    /** A key's window of 3 records and its alarm state after 50 records. */
    private static byte[] stateAfter50(long count) {
        WindowHistory h = new WindowHistory(3, 1);
        KeyAlarm alarm = new KeyAlarm(POLICY, 1);
        alarm.reset(SEED);
        AlarmResult r = new AlarmResult();
        for (int i = 0; i < 50; i++) {
            h.insert(h.count(), 1000L * i, new double[] {0.01 * i});
            alarm.next(0.1 * (i % 7), 0.5, 0.99, new double[] {0.01 * i}, r);
        }
        return KeyState.store(null, count, h, null, null, alarm);
    }

    @Test
    void theOutputCountTravelsWithTheKeysOtherParts() {
        WindowHistory h = new WindowHistory(3, 1);
        KeyAlarm alarm = new KeyAlarm(POLICY, 1);
        long count = KeyState.load(stateAfter50(123_456_789_012L), 0, h, null, null, alarm, SEED);
        assertThat(count).isEqualTo(123_456_789_012L);
        assertThat(h.count()).isEqualTo(3);
        assertThat(h.newestTs()).isEqualTo(49_000L);
        assertThat(alarm.records()).isEqualTo(50);
    }

    @Test
    void aValueOfTheFormatBeforeTheCountLoadsEveryPartWithACountOfZero() {
        byte[] v4 = stateAfter50(77);
        // format 3: the same bytes without the count's 8
        ByteBuffer v3 = ByteBuffer.allocate(v4.length - 8);
        v3.put(KeyState.MAGIC).put(KeyState.FORMAT_WITHOUT_COUNT).put(v4, 10, v4.length - 10);
        WindowHistory h = new WindowHistory(3, 1);
        KeyAlarm alarm = new KeyAlarm(POLICY, 1);
        assertThat(KeyState.load(v3.array(), 0, h, null, null, alarm, SEED)).isZero();
        assertThat(h.count()).isEqualTo(3);
        assertThat(alarm.records()).as("the alarm state loaded, not reset").isEqualTo(50);
    }

    @Test
    void anUnknownFormatStartsTheKeyAfresh() {
        byte[] v = stateAfter50(5);
        v[1] = 9;
        WindowHistory h = new WindowHistory(3, 1);
        KeyAlarm alarm = new KeyAlarm(POLICY, 1);
        assertThat(KeyState.load(v, 0, h, null, null, alarm, SEED)).isZero();
        assertThat(h.count()).isZero();
        assertThat(alarm.records()).isZero();
    }
}
