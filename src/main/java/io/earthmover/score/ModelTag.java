package io.earthmover.score;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Routed scorers store each key's state behind the name of the model that built it: a tag byte, the
 * name's UTF-8 length (2 bytes) and bytes, then {@link KeyState}'s value. A key's window and alarm
 * state belong to its model; when the key is re-routed, the new model finds another model's tag and
 * starts the key afresh (warming up again) rather than read a window of another model's features or
 * an alarm history of another model's scores. The tag is written and checked in place ({@link
 * KeyState#store(byte[], long, WindowHistory, io.earthmover.features.KeyStandardiser,
 * io.earthmover.alarm.AdaptationGuard, io.earthmover.alarm.KeyAlarm)}, {@link #owns}), so routing
 * copies no state. With {@code routing.mode=none} values carry no tag, as before routing.
 */
final class ModelTag {
    static final byte TAG = (byte) 0xEB;

    private ModelTag() {
    }

    /** The prefix of the values {@code modelName} stores. */
    static byte[] of(String modelName) {
        byte[] name = modelName.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xFFFF) {
            throw new IllegalArgumentException("model name longer than 65535 bytes");
        }
        return ByteBuffer.allocate(3 + name.length).put(TAG).putShort((short) name.length).put(name).array();
    }

    /** True when {@code stored} is a value the model of {@code tag} wrote. */
    static boolean owns(byte[] stored, byte[] tag) {
        return stored != null && stored.length >= tag.length && Arrays.equals(stored, 0, tag.length, tag, 0, tag.length);
    }
}
