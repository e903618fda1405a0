package io.earthmover.score;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A routed model's view of the key-state store: each value is stored behind the name of the model
 * that built it, and a value another model built reads as absent. A key's window and alarm state
 * belong to its model; when the key is re-routed, the new model starts it afresh (warming up again)
 * rather than read a window of another model's features or an alarm history of another model's
 * scores. Format: a tag byte, the name's UTF-8 length (2 bytes) and bytes, then {@link KeyState}'s value.
 */
final class ModelTaggedStore implements KeyStateStore {
    static final byte TAG = (byte) 0xEB;

    private final KeyStateStore inner;
    private final byte[] name;

    ModelTaggedStore(KeyStateStore inner, String modelName) {
        this.inner = inner;
        this.name = modelName.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xFFFF) {
            throw new IllegalArgumentException("model name longer than 65535 bytes");
        }
    }

    @Override
    public byte[] get(byte[] key) {
        byte[] stored = inner.get(key);
        int head = 3 + name.length;
        if (stored == null || stored.length < head || stored[0] != TAG
                || (((stored[1] & 0xFF) << 8) | (stored[2] & 0xFF)) != name.length
                || !Arrays.equals(stored, 3, head, name, 0, name.length)) {
            return null;
        }
        return Arrays.copyOfRange(stored, head, stored.length);
    }

    @Override
    public void put(byte[] key, byte[] state) {
        inner.put(key, ByteBuffer.allocate(3 + name.length + state.length).put(TAG).putShort((short) name.length)
                .put(name).put(state).array());
    }

    /** The name of the model whose state {@code stored} is, or null for an untagged value. */
    static String modelOf(byte[] stored) {
        if (stored == null || stored.length < 3 || stored[0] != TAG) {
            return null;
        }
        int n = ((stored[1] & 0xFF) << 8) | (stored[2] & 0xFF);
        return stored.length < 3 + n ? null : new String(stored, 3, n, StandardCharsets.UTF_8);
    }
}
