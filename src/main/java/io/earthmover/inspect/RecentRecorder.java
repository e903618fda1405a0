package io.earthmover.inspect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes one task's recent outputs and alarms, and drops what is past retention. Used by one
 * stream task's processor, so by one thread at a time.
 */
public final class RecentRecorder {
    /** Recent-store entries examined per purge: the purge walks the store a chunk at a time. */
    static final int PURGE_CHUNK = 20_000;

    private final InspectSettings settings;
    private final KeyValueStore<Bytes, byte[]> recent;
    private final KeyValueStore<Bytes, byte[]> alarms;
    private long alarmCount;
    private long seq;
    private Bytes purgeCursor;

    public RecentRecorder(InspectSettings settings, KeyValueStore<Bytes, byte[]> recent, KeyValueStore<Bytes, byte[]> alarms) {
        this.settings = settings;
        this.recent = recent;
        this.alarms = alarms;
        // the alarm store holds at most inspect.alarms.max entries, so counting it once is cheap
        try (KeyValueIterator<Bytes, byte[]> it = alarms.all()) {
            while (it.hasNext()) {
                seq = Math.max(seq, ByteBuffer.wrap(it.next().key.get()).getLong(8) + 1);
                alarmCount++;
            }
        }
    }

    /**
     * Remembers one output of {@code key} in its ring; an anomaly also goes to the alarm list.
     * {@code position} (the output's place among its key's outputs, kept in the key's scoring
     * state, or -1 for none) picks the slot, {@code position mod inspect.recent.per.key}, so the record
     * costs one write instead of a read and two writes (measured: the inspection stores' share of the
     * scoring thread, docs/operations.md). Without a position the ring's head entry says where to write.
     */
    public void record(byte[] key, byte[] input, byte[] output, long recordTs, long scoredAt, boolean anomaly, long position) {
        if (key == null) {
            return; // nothing to query it by
        }
        RecentEntry e = RecentEntry.of(scoredAt, recordTs, input, output);
        if (position >= 0) {
            recent.put(InspectStores.slot(key, (int) (position % settings.perKey())), e.encode());
        } else {
            Bytes headKey = InspectStores.slot(key, InspectStores.HEAD);
            byte[] head = recent.get(headKey);
            int next = head == null || head.length != 12 ? 0 : ByteBuffer.wrap(head).getInt() % settings.perKey();
            recent.put(InspectStores.slot(key, next), e.encode());
            recent.put(headKey, InspectStores.head((next + 1) % settings.perKey(), scoredAt));
        }
        if (anomaly) {
            alarms.put(InspectStores.alarmKey(scoredAt, seq++), InspectStores.alarmValue(key, e));
            alarmCount++;
            trimAlarms();
        }
    }

    private void trimAlarms() {
        if (alarmCount <= settings.maxAlarms()) {
            return;
        }
        List<Bytes> oldest = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = alarms.all()) {
            while (it.hasNext() && alarmCount - oldest.size() > settings.maxAlarms()) {
                oldest.add(it.next().key);
            }
        }
        oldest.forEach(alarms::delete);
        alarmCount -= oldest.size();
    }

    /** Drops alarms past retention, and examines the next chunk of the recent store for the same. */
    public void purge(long now) {
        long cutoff = now - settings.retentionMs();
        List<Bytes> old = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = alarms.range(null, InspectStores.alarmKey(cutoff, 0))) {
            it.forEachRemaining(kv -> old.add(kv.key));
        }
        old.forEach(alarms::delete);
        alarmCount = Math.max(0, alarmCount - old.size());
        purgeRecent(cutoff);
    }

    private void purgeRecent(long cutoff) {
        List<Bytes> expired = new ArrayList<>();
        Bytes last = null;
        int seen = 0;
        try (KeyValueIterator<Bytes, byte[]> it = recent.range(purgeCursor, null)) {
            while (it.hasNext() && seen++ < PURGE_CHUNK) {
                KeyValue<Bytes, byte[]> kv = it.next();
                last = kv.key;
                if (writtenAt(kv) < cutoff) {
                    expired.add(kv.key);
                }
            }
            purgeCursor = it.hasNext() ? last : null; // from the start again once the end is reached
        }
        expired.forEach(recent::delete);
    }

    private static long writtenAt(KeyValue<Bytes, byte[]> kv) {
        if (InspectStores.slotOf(kv.key) == InspectStores.HEAD) {
            return kv.value.length == 12 ? ByteBuffer.wrap(kv.value).getLong(4) : Long.MIN_VALUE;
        }
        RecentEntry e = RecentEntry.decode(kv.value);
        return e == null ? Long.MIN_VALUE : e.scoredAt();
    }
}
