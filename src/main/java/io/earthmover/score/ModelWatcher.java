package io.earthmover.score;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted models topic from its beginning and offers every bundle keyed with a model
 * name the scorer follows to its {@link ModelSet} (mode none: {@code model.name} alone; routed: any
 * name, up to {@code routing.max.models}). Every instance reads every partition (no consumer
 * group), so all replicas of the scorer serve the same models.
 */
public final class ModelWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final ModelSet models;
    /** Set once the bundles on the topic when the watcher started have all been offered. */
    private volatile boolean caughtUp;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public ModelWatcher(Map<String, Object> consumerProps, String topic, ModelSet models) {
        Map<String, Object> p = new java.util.HashMap<>(consumerProps);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 << 20);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.models = models;
        this.thread = new Thread(this::run, "earthmover-model-watcher");
        this.thread.setDaemon(true);
    }

    public ModelWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            List<TopicPartition> parts = List.of();
            while (running.get() && parts.isEmpty()) {
                List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                parts = info == null ? List.of() : info.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                if (parts.isEmpty()) {
                    LOG.warn("models topic '{}' not found yet; retrying", topic);
                    Thread.sleep(2000);
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String name = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (name != null && models.follows(name)) {
                        models.offer(name, r.value(), topic + "-" + r.partition() + "@" + r.offset());
                    }
                }
                if (!caughtUp) {
                    caughtUp = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("model watcher woken unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("model watcher stopped: {}; the current model keeps serving", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** True once every bundle on the topic at start has been offered (routed scorers start scoring then). */
    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
