package io.earthmover.inspect;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads this instance's inspection stores with Kafka Streams' interactive query v2 {@link RangeQuery}
 * on its active partitions. Why not {@code KafkaStreams.store(...).get}: a caching store answers
 * reads under its read lock, and the stream thread holds the write lock for the whole flush of its
 * record cache at every commit (profiled in {@code bench soak}: the API threads parked in
 * {@code CachingKeyValueStore.get} behind {@code StreamTask.flush}), so a query's tail was the
 * flush's duration. A {@code RangeQuery} has no handler in the caching layer and goes to RocksDB
 * without that lock; it sees what the last commit flushed (at most {@code scorer.commit.interval.ms}
 * old), which is what a page of recent outputs can show.
 */
public final class StreamsStoreReader implements InspectQueries.Stores {
    private final KafkaStreams streams;

    public StreamsStoreReader(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public List<KeyValue<Bytes, byte[]>> range(String store, Bytes from, Bytes to) {
        RangeQuery<Bytes, byte[]> q = to == null ? RangeQuery.withLowerBound(from) : RangeQuery.withRange(from, to);
        StateQueryResult<KeyValueIterator<Bytes, byte[]>> r = streams.query(StateQueryRequest.inStore(store).withQuery(q)
                .requireActive());
        List<KeyValue<Bytes, byte[]>> out = new ArrayList<>();
        for (QueryResult<KeyValueIterator<Bytes, byte[]>> p : r.getPartitionResults().values()) {
            if (!p.isSuccess()) {
                continue; // a partition not active here (moved by a rebalance): its owner answers for it
            }
            try (KeyValueIterator<Bytes, byte[]> it = p.getResult()) {
                it.forEachRemaining(out::add);
            }
        }
        return out;
    }
}
