package io.earthmover.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.earthmover.score.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a reliability test injected and what came out: each input carries its id in the
 * {@value #ID_HEADER} header (bad records have no readable id of their own), and this ledger reads
 * {@code anomaly-scores} and {@code events-dlq} back by that header.
 */
final class Ledger {
    static final String ID_HEADER = "test.id";

    /** Every record of a topic, from the beginning to the end offsets as they were when read. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, boolean readCommitted) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 40 << 20);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 40 << 20);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            // with read_committed, endOffsets is the last stable offset: open transactions are not waited for
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end);
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static String id(ConsumerRecord<byte[], byte[]> r) {
        var h = r.headers().lastHeader(ID_HEADER);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    /** Counts per id in scores and DLQ, and the DLQ's error code per id. */
    record Counted(Map<String, Integer> scored, Map<String, Integer> dead, Map<String, String> codes, int unlabelled) {
        static Counted of(List<ConsumerRecord<byte[], byte[]>> scores, List<ConsumerRecord<byte[], byte[]>> dlq) {
            Map<String, Integer> s = new HashMap<>();
            Map<String, Integer> d = new HashMap<>();
            Map<String, String> codes = new HashMap<>();
            int unlabelled = 0;
            for (var r : scores) {
                String id = id(r);
                if (id == null) {
                    unlabelled++;
                } else {
                    s.merge(id, 1, Integer::sum);
                }
            }
            for (var r : dlq) {
                String id = id(r);
                if (id == null) {
                    unlabelled++;
                } else {
                    d.merge(id, 1, Integer::sum);
                    codes.put(id, DeadLetters.header(r.headers(), DeadLetters.ERROR_CODE));
                }
            }
            return new Counted(s, d, codes, unlabelled);
        }

        int outputs() {
            return scored.values().stream().mapToInt(Integer::intValue).sum();
        }

        int deadLetters() {
            return dead.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Ids seen more than once in scores ∪ DLQ, and how often. */
        Map<String, Integer> duplicates() {
            Map<String, Integer> all = new HashMap<>(scored);
            dead.forEach((k, v) -> all.merge(k, v, Integer::sum));
            Map<String, Integer> dup = new TreeMap<>();
            all.forEach((k, v) -> {
                if (v > 1) {
                    dup.put(k, v);
                }
            });
            return dup;
        }

        /** Distinct ids seen in scores ∪ DLQ. */
        int distinct() {
            Map<String, Integer> all = new HashMap<>(scored);
            dead.forEach((k, v) -> all.merge(k, v, Integer::sum));
            return all.size();
        }

        boolean seen(String id) {
            return scored.containsKey(id) || dead.containsKey(id);
        }

        String report(String test, int injected) {
            return String.format("[%s] injected %,d | scores %,d + dlq %,d = %,d output records | distinct ids %,d"
                            + " | duplicates %,d | unlabelled %d", test, injected, outputs(), deadLetters(),
                    outputs() + deadLetters(), distinct(), duplicates().size(), unlabelled);
        }
    }

    private Ledger() {
    }
}
