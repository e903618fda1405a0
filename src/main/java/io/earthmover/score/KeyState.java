package io.earthmover.score;

import io.earthmover.alarm.AdaptationGuard;
import io.earthmover.alarm.AlarmSeed;
import io.earthmover.alarm.KeyAlarm;
import io.earthmover.features.KeyStandardiser;
import java.nio.ByteBuffer;

/**
 * One key's stored state in one value, so a record costs one read and one write of the store:
 * a magic byte, a format byte, the key's output count (a long: how many outputs the scorer has
 * written for the key, which places each in the inspection stores' ring of recent outputs without a
 * read of its own; format 3, before it, loads with a count of 0), then the window history ({@link WindowHistory}, length-prefixed),
 * the key's standardiser ({@link KeyStandardiser}, length-prefixed; empty when the model does not
 * standardise per key; followed within that length by the standardiser's {@link AdaptationGuard}
 * when {@code alarm.adapt.guard} is on, so a part written without it loads with an empty guard and
 * one written with it loads without: the standardiser reads only its own bytes) and the alarm state ({@link KeyAlarm}, the rest). Each part that is absent,
 * of another shape or of an older format starts afresh (the alarm part from the model's seed); a
 * value written before the alarm layer (a bare window history) still loads its window.
 */
final class KeyState {
    static final byte MAGIC = (byte) 0xEA;
    static final byte FORMAT = 4;
    /** The format before the output count: still read (count 0), never written. */
    static final byte FORMAT_WITHOUT_COUNT = 3;

    private KeyState() {
    }

    /** Loads what is stored into the parts the caller has (null parts are skipped). */
    static void load(byte[] stored, WindowHistory history, KeyStandardiser standardiser, KeyAlarm alarm, AlarmSeed seed) {
        load(stored, history, standardiser, null, alarm, seed);
    }

    /** As above, with the standardiser's delay line under guarded adaptation (null without). */
    static void load(byte[] stored, WindowHistory history, KeyStandardiser standardiser, AdaptationGuard standardiserGuard,
            KeyAlarm alarm, AlarmSeed seed) {
        load(stored, 0, history, standardiser, standardiserGuard, alarm, seed);
    }

    /**
     * As above, the value starting at {@code offset} of {@code stored} (after a routed model's {@link ModelTag});
     * returns the key's output count (0 for a value without one).
     */
    static long load(byte[] stored, int offset, WindowHistory history, KeyStandardiser standardiser,
            AdaptationGuard standardiserGuard, KeyAlarm alarm, AlarmSeed seed) {
        int format = stored == null || stored.length < offset + 10 || stored[offset] != MAGIC ? -1 : stored[offset + 1];
        int countBytes = format == FORMAT ? 8 : 0;
        if ((format != FORMAT && format != FORMAT_WITHOUT_COUNT) || stored.length < offset + 10 + countBytes) {
            if (history != null) {
                history.load(offset == 0 && stored != null && stored.length > 0 && stored[0] != MAGIC ? stored : null);
            }
            if (standardiser != null) {
                standardiser.reset();
            }
            if (standardiserGuard != null) {
                standardiserGuard.reset();
            }
            if (alarm != null) {
                alarm.reset(seed);
            }
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(stored);
        b.position(offset + 2);
        long count = countBytes == 0 ? 0 : b.getLong();
        int windowLength = b.getInt();
        int windowEnd = b.position() + windowLength;
        if (history != null) {
            history.load(windowLength == 0 ? null : java.util.Arrays.copyOfRange(stored, b.position(), windowEnd));
        }
        b.position(windowEnd);
        int standardiserLength = b.getInt();
        int standardiserEnd = b.position() + standardiserLength;
        if (standardiser != null) {
            ByteBuffer part = b.slice(b.position(), standardiserLength);
            if (standardiserLength > 0 && standardiser.load(part)) {
                if (standardiserGuard != null) {
                    standardiserGuard.load(part);
                }
            } else {
                standardiser.reset();
                if (standardiserGuard != null) {
                    standardiserGuard.reset();
                }
            }
        }
        b.position(standardiserEnd);
        if (alarm != null && !(b.hasRemaining() && alarm.load(b))) {
            alarm.reset(seed);
        }
        return count;
    }

    /**
     * The key's value: its output count and parts (null parts are written empty), behind {@code tag}
     * (a routed model's {@link ModelTag}; null: none).
     */
    static byte[] store(byte[] tag, long count, WindowHistory history, KeyStandardiser standardiser,
            AdaptationGuard standardiserGuard, KeyAlarm alarm) {
        byte[] w = history == null ? new byte[0] : history.store();
        int s = standardiser == null ? 0 : standardiser.storedSize()
                + (standardiserGuard == null ? 0 : standardiserGuard.storedSize());
        int t = tag == null ? 0 : tag.length;
        ByteBuffer b = ByteBuffer.allocate(t + 18 + w.length + s + (alarm == null ? 0 : alarm.storedSize()));
        if (tag != null) {
            b.put(tag);
        }
        b.put(MAGIC).put(FORMAT).putLong(count).putInt(w.length).put(w).putInt(s);
        if (standardiser != null) {
            standardiser.store(b);
            if (standardiserGuard != null) {
                standardiserGuard.store(b);
            }
        }
        if (alarm != null) {
            alarm.store(b);
        }
        return b.array();
    }
}
