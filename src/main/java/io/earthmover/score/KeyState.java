package io.earthmover.score;

import io.earthmover.alarm.AlarmSeed;
import io.earthmover.alarm.KeyAlarm;
import java.nio.ByteBuffer;

/**
 * One key's stored state: its window history and its alarm state, in one value so a record costs
 * one read and one write of the store. Layout: a magic byte, a format byte, the window part's
 * length and bytes ({@link WindowHistory}), then the alarm part ({@link KeyAlarm}), if any. A value
 * written before the alarm layer (a bare window history) still loads its window; its alarm state
 * starts from the model's seed.
 */
final class KeyState {
    static final byte MAGIC = (byte) 0xEA;
    static final byte FORMAT = 2;

    private KeyState() {
    }

    /** Loads what is stored into the two parts; a missing or unreadable alarm part is reset from {@code seed}. */
    static void load(byte[] stored, WindowHistory history, KeyAlarm alarm, AlarmSeed seed) {
        if (stored == null || stored.length < 6 || stored[0] != MAGIC || stored[1] != FORMAT) {
            if (history != null) {
                history.load(stored != null && stored.length > 0 && stored[0] != MAGIC ? stored : null);
            }
            if (alarm != null) {
                alarm.reset(seed);
            }
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(stored);
        b.position(2);
        int windowLength = b.getInt();
        if (history != null) {
            byte[] w = windowLength == 0 ? null : new byte[windowLength];
            if (w != null) {
                b.get(w);
            }
            history.load(w);
        } else {
            b.position(b.position() + windowLength);
        }
        if (alarm != null && !(b.hasRemaining() && alarm.load(b))) {
            alarm.reset(seed);
        }
    }

    static byte[] store(WindowHistory history, KeyAlarm alarm) {
        byte[] w = history == null ? new byte[0] : history.store();
        ByteBuffer b = ByteBuffer.allocate(6 + w.length + (alarm == null ? 0 : alarm.storedSize()));
        b.put(MAGIC).put(FORMAT).putInt(w.length).put(w);
        if (alarm != null) {
            alarm.store(b);
        }
        return b.array();
    }
}
