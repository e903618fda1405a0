package io.earthmover.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@code total} valid records (ids {@code prefix0..}) at a fixed rate on its own thread with an
 * idempotent producer whose delivery timeout outlasts a broker restart. Only records the broker
 * acknowledged count as injected.
 */
final class SteadyProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String prefix;
    private final int total;
    private final int perSecond;
    private final int badEvery;
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    SteadyProducer(String bootstrap, String topic, String prefix, int total, int perSecond) {
        this(bootstrap, topic, prefix, total, perSecond, 0);
    }

    /** With {@code badEvery} > 0, every such record is malformed (a NaN feature), for the DLQ. */
    SteadyProducer(String bootstrap, String topic, String prefix, int total, int perSecond, int badEvery) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.prefix = prefix;
        this.total = total;
        this.perSecond = perSecond;
        this.badEvery = badEvery;
        this.thread = new Thread(this::run, "steady-producer");
    }

    /**
     * Starts sending once every partition of the topic has a leader: sending into a partition created
     * a moment ago can get NOT_LEADER_OR_FOLLOWER, after which Kafka 4.3's idempotent producer was
     * seen to retry its first batch with an out-of-order sequence number until the delivery timeout.
     */
    SteadyProducer start() throws InterruptedException {
        Waits.until("leaders for every partition of " + topic, java.time.Duration.ofSeconds(60),
                () -> producer.partitionsFor(topic).stream().allMatch(i -> i.leader() != null));
        Thread.sleep(1000);
        thread.start();
        return this;
    }

    private void run() {
        Random rnd = new Random(17);
        long t0 = System.nanoTime();
        for (int i = 0; i < total && !stop; i++) {
            String id = prefix + i;
            String v = badEvery > 0 && i % badEvery == badEvery - 1 ? "{\"id\":\"" + id + "\",\"features\":{\"cpu\":NaN}}" : String.format("{\"id\":\"%s\",\"ts\":%d,\"features\":{\"cpu\":%.4f,\"disk\":%.4f,\"mem\":%.4f}}", id,
                    1_700_000_000_000L + i, rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian());
            RecordHeaders h = new RecordHeaders();
            h.add(Ledger.ID_HEADER, id.getBytes(UTF_8));
            producer.send(new ProducerRecord<>(topic, null, ("host-" + i % 7).getBytes(UTF_8), v.getBytes(UTF_8), h), (md, e) -> {
                if (e == null) {
                    acked.add(id);
                } else {
                    failed.incrementAndGet();
                }
            });
            long due = t0 + (long) ((i + 1) * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        producer.flush();
    }

    /** Waits until every record was sent and acknowledged (or failed). */
    void await() throws InterruptedException {
        thread.join();
    }

    int sentSoFar() {
        return acked.size() + failed.get();
    }

    Set<String> acked() {
        return Set.copyOf(acked);
    }

    int failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(60_000);
        producer.close();
    }
}
