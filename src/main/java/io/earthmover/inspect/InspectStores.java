package io.earthmover.inspect;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The two stores of recent outputs and their key layouts. Recent outputs: a ring of
 * {@code inspect.recent.per.key} slots per key, stored under the key's bytes followed by a
 * two-byte slot number (the suffix has a fixed length, so keys of any bytes cannot collide), and
 * for a key the scorer keeps no state for, a head slot ({@link #HEAD}) with the next slot to write (a
 * key with scoring state takes its slot from its output count, {@code KeyState}): one or two small writes, not a
 * rewrite of the key's whole history. Alarms: under the scoring time (big-endian, so the store's
 * order is time order) and a sequence number, valued by the key and the entry.
 */
public final class InspectStores {
    public static final String RECENT = "earthmover-recent";
    public static final String ALARMS = "earthmover-alarms";
    static final int HEAD = 0xFFFF;

    private InspectStores() {
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> recent() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECENT), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> alarms() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALARMS), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    static Bytes slot(byte[] key, int slot) {
        byte[] b = Arrays.copyOf(key, key.length + 2);
        b[key.length] = (byte) (slot >>> 8);
        b[key.length + 1] = (byte) slot;
        return Bytes.wrap(b);
    }

    /** The original key of a recent-store key. */
    static byte[] keyOf(Bytes slotKey) {
        byte[] b = slotKey.get();
        return Arrays.copyOf(b, b.length - 2);
    }

    static int slotOf(Bytes slotKey) {
        byte[] b = slotKey.get();
        return ((b[b.length - 2] & 0xFF) << 8) | (b[b.length - 1] & 0xFF);
    }

    /** Head value: the next slot to write and when the key was last written. */
    static byte[] head(int next, long lastScoredAt) {
        return ByteBuffer.allocate(12).putInt(next).putLong(lastScoredAt).array();
    }

    static Bytes alarmKey(long scoredAt, long seq) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(scoredAt).putLong(seq).array());
    }

    static byte[] alarmValue(byte[] key, RecentEntry e) {
        byte[] entry = e.encode();
        return ByteBuffer.allocate(4 + key.length + entry.length).putInt(key.length).put(key).put(entry).array();
    }

    /** An alarm value's key and entry, or null for bytes that are not one. */
    static KeyedEntry alarm(byte[] value) {
        if (value == null || value.length < 4) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            return null;
        }
        byte[] key = Arrays.copyOfRange(value, 4, 4 + n);
        RecentEntry e = RecentEntry.decode(Arrays.copyOfRange(value, 4 + n, value.length));
        return e == null ? null : new KeyedEntry(key, e);
    }

    record KeyedEntry(byte[] key, RecentEntry entry) {
    }
}
