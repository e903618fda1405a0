package io.earthmover.kafka;

import io.earthmover.config.EarthmoverConfig;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client properties built from the {@code kafka.*} configuration. Each client type gets only
 * the keys it knows, so users may set producer-only or consumer-only keys without warnings.
 */
public final class KafkaProps {
    private KafkaProps() {
    }

    public static Map<String, Object> admin(EarthmoverConfig c) {
        return only(c, AdminClientConfig.configNames());
    }

    public static Map<String, Object> producer(EarthmoverConfig c) {
        return only(c, ProducerConfig.configNames());
    }

    public static Map<String, Object> consumer(EarthmoverConfig c) {
        return only(c, ConsumerConfig.configNames());
    }

    private static Map<String, Object> only(EarthmoverConfig c, java.util.Set<String> names) {
        Map<String, Object> all = c.kafkaProperties();
        all.keySet().removeIf(k -> !names.contains(k) && !k.startsWith("listener.name."));
        return all;
    }
}
