package io.earthmover.score;

import io.earthmover.alarm.FeedbackAdjustment;
import io.earthmover.alarm.FeedbackLabel;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The keys' {@link FeedbackAdjustment}s in their own store (persistent, changelogged: compacted, so
 * a raise survives restarts and rebalances). Only keys with a raise have an entry, and their keys are
 * also held in memory: a key without feedback (nearly every key, nearly always) costs the scorer a
 * hash lookup, not a read of an absent entry, which the store's cache cannot answer and RocksDB must
 * (measured: a fifth of the served topology's stream-thread CPU per record, {@code bench pipeline},
 * docs/operations.md). The entries are loaded once, when the task's processors start (after the
 * store is restored), and every write goes through this class, so the two always agree. One instance
 * per task, shared by the task's two processors ({@link FeedbackStores}); used by one thread at a time.
 */
final class FeedbackStore implements KeyFeedback {
    static final String NAME = "earthmover-feedback";

    private final KeyValueStore<Bytes, byte[]> store;
    private final Set<Bytes> raised = new HashSet<>();

    FeedbackStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> raised.add(kv.key));
        }
    }

    /** Keys with a raise now (for tests). */
    int raisedKeys() {
        return raised.size();
    }

    static StoreBuilder<KeyValueStore<Bytes, byte[]>> builder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    @Override
    public double raiseFor(byte[] key) {
        if (raised.isEmpty()) {
            return 0;
        }
        Bytes k = Bytes.wrap(key);
        if (!raised.contains(k)) {
            return 0;
        }
        byte[] stored = store.get(k);
        if (stored == null) {
            raised.remove(k);
            return 0;
        }
        FeedbackAdjustment now = FeedbackAdjustment.decode(stored);
        write(k, now.decayed(1));
        return now.raise();
    }

    /** Applies an operator's label on record {@code id} to the key's adjustment; false when it was a repeat. */
    boolean apply(byte[] key, FeedbackLabel label, String id) {
        Bytes k = Bytes.wrap(key);
        FeedbackAdjustment now = FeedbackAdjustment.decode(store.get(k));
        if (label == FeedbackLabel.FALSE_ALARM && now.counted(id)) {
            return false;
        }
        write(k, now.after(label, id));
        return true;
    }

    private void write(Bytes k, FeedbackAdjustment a) {
        if (a.isNone()) {
            store.delete(k);
            raised.remove(k);
        } else {
            store.put(k, a.encode());
            raised.add(k);
        }
    }
}
