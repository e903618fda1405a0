package io.earthmover.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The compacted models topic: key = model name, value = bundle bytes. */
public final class ModelTopic {
    private ModelTopic() {
    }

    /** The newest bundle published under {@code name}, if any (read to the end offsets captured now). */
    public static Optional<byte[]> latest(Map<String, Object> consumerProps, String topic, String name, Duration timeout) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        byte[][] last = new byte[1][];
        try {
            new TopicReader(consumerProps, timeout).read(topic, TopicRange.all(), r -> {
                if (Arrays.equals(key, r.key())) {
                    last[0] = r.value();
                }
            });
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.ofNullable(last[0]).filter(v -> v.length > 0);
    }

    /** Publishes a bundle with an idempotent producer and waits for the broker's acknowledgement. */
    public static RecordMetadata publish(Map<String, Object> producerProps, String topic, String name, byte[] bundle,
            Duration timeout) {
        Map<String, Object> p = new HashMap<>(producerProps);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(bundle.length + 4096, 1 << 20));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, name.getBytes(StandardCharsets.UTF_8), bundle))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot publish the model to '" + topic + "': " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the model", e);
        }
    }
}
