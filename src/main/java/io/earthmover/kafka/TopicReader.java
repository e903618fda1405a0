package io.earthmover.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a fixed range of a topic with a plain consumer (no group, nothing committed) and stops at
 * the end offsets captured at the start. Fails with a clear message when the broker cannot be
 * reached or the topic does not exist.
 */
public final class TopicReader {
    /** What was read: per partition the [from, to) offsets, and the record count. */
    public record Stats(String topic, Map<Integer, long[]> ranges, long records) {
    }

    /** Receives each record. */
    public interface Sink {
        void accept(ConsumerRecord<byte[], byte[]> record);
    }

    private final Map<String, Object> props;
    private final Duration timeout;

    public TopicReader(Map<String, Object> consumerProps, Duration timeout) {
        Map<String, Object> p = new HashMap<>(consumerProps);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        this.props = p;
        this.timeout = timeout;
    }

    public Stats read(String topic, TopicRange range, Sink sink) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> info;
            try {
                info = c.partitionsFor(topic, timeout);
            } catch (TimeoutException e) {
                throw new IllegalStateException("cannot reach Kafka at " + props.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)
                        + " within " + timeout.toSeconds() + " s", e);
            }
            if (info == null || info.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist");
            }
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : info) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts, timeout);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            Map<TopicPartition, long[]> bounds = bounds(c, parts, begin, end, range);
            List<TopicPartition> active = new ArrayList<>();
            for (var e : bounds.entrySet()) {
                if (e.getValue()[0] < e.getValue()[1]) {
                    active.add(e.getKey());
                }
            }
            c.assign(active);
            for (TopicPartition tp : active) {
                c.seek(tp, bounds.get(tp)[0]);
            }
            long n = 0;
            long idleSince = System.nanoTime();
            while (!active.isEmpty()) {
                var batch = c.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    if (System.nanoTime() - idleSince > timeout.toNanos()) {
                        throw new IllegalStateException("no records from '" + topic + "' for " + timeout.toSeconds()
                                + " s before the captured end offsets " + describe(bounds));
                    }
                } else {
                    idleSince = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    long stop = bounds.get(new TopicPartition(r.topic(), r.partition()))[1];
                    if (r.offset() < stop) {
                        sink.accept(r);
                        n++;
                    }
                }
                List<TopicPartition> done = new ArrayList<>();
                for (TopicPartition tp : active) {
                    if (c.position(tp) >= bounds.get(tp)[1]) {
                        done.add(tp);
                    }
                }
                if (!done.isEmpty()) {
                    active.removeAll(done);
                    c.assign(active);
                }
            }
            Map<Integer, long[]> ranges = new LinkedHashMap<>();
            bounds.forEach((tp, b) -> ranges.put(tp.partition(), b.clone()));
            return new Stats(topic, ranges, n);
        }
    }

    private Map<TopicPartition, long[]> bounds(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts,
            Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end, TopicRange range) {
        Map<TopicPartition, long[]> b = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndTimestamp> fromT = null;
        Map<TopicPartition, OffsetAndTimestamp> toT = null;
        if (range.kind() == TopicRange.Kind.TIME) {
            if (range.fromMillis() != null) {
                fromT = c.offsetsForTimes(timestamps(parts, range.fromMillis()), timeout);
            }
            if (range.toMillis() != null) {
                toT = c.offsetsForTimes(timestamps(parts, range.toMillis()), timeout);
            }
        }
        for (TopicPartition tp : parts) {
            long lo = begin.get(tp);
            long hi = end.get(tp);
            long from = lo;
            long to = hi;
            switch (range.kind()) {
                case ALL -> {
                }
                case LAST -> from = Math.max(lo, hi - range.lastN());
                case OFFSETS -> {
                    long[] o = range.offsets().get(tp.partition());
                    if (o == null) {
                        from = hi; // partitions not named are not read
                    } else {
                        from = o[0] < 0 ? lo : Math.max(lo, o[0]);
                        to = o[1] < 0 ? hi : Math.min(hi, o[1]);
                    }
                }
                case TIME -> {
                    if (fromT != null) {
                        OffsetAndTimestamp f = fromT.get(tp);
                        from = f == null ? hi : f.offset();
                    }
                    if (toT != null) {
                        OffsetAndTimestamp t = toT.get(tp);
                        to = t == null ? hi : t.offset();
                    }
                }
            }
            b.put(tp, new long[] {from, Math.max(from, to)});
        }
        return b;
    }

    private static Map<TopicPartition, Long> timestamps(List<TopicPartition> parts, long ts) {
        Map<TopicPartition, Long> m = new HashMap<>();
        parts.forEach(p -> m.put(p, ts));
        return m;
    }

    private static String describe(Map<TopicPartition, long[]> bounds) {
        StringBuilder sb = new StringBuilder();
        bounds.forEach((tp, b) -> sb.append(tp.partition()).append(':').append(b[0]).append('-').append(b[1]).append(' '));
        return sb.toString().trim();
    }
}
