package io.earthmover.score;

import io.earthmover.alarm.FeedbackAdjustment;
import io.earthmover.alarm.FeedbackLabel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The keys' {@link FeedbackAdjustment}s in their own store (persistent, changelogged: compacted, so
 * a raise survives restarts and rebalances). Only keys with a raise have an entry, so a key without
 * feedback costs the scorer one read of an absent entry per record.
 */
final class FeedbackStore implements KeyFeedback {
    static final String NAME = "earthmover-feedback";

    private final KeyValueStore<Bytes, byte[]> store;

    FeedbackStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    static StoreBuilder<KeyValueStore<Bytes, byte[]>> builder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    @Override
    public double raiseFor(byte[] key) {
        Bytes k = Bytes.wrap(key);
        byte[] stored = store.get(k);
        if (stored == null) {
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
        } else {
            store.put(k, a.encode());
        }
    }
}
