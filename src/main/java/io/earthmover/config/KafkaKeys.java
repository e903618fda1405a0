package io.earthmover.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Which {@code kafka.*} keys exist: the union of the producer, consumer, admin and Streams configs. */
final class KafkaKeys {
    private static final Set<String> KNOWN = new HashSet<>();
    // Streams accepts client settings under these prefixes
    private static final List<String> STREAMS_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.TOPIC_PREFIX);

    static {
        KNOWN.addAll(ProducerConfig.configNames());
        KNOWN.addAll(ConsumerConfig.configNames());
        KNOWN.addAll(AdminClientConfig.configNames());
        KNOWN.addAll(StreamsConfig.configDef().names());
    }

    private KafkaKeys() {
    }

    static boolean isKnown(String kafkaKey) {
        if (KNOWN.contains(kafkaKey)) {
            return true;
        }
        for (String p : STREAMS_PREFIXES) {
            if (kafkaKey.startsWith(p)) {
                String rest = kafkaKey.substring(p.length());
                // topic.* takes any topic-level config: leave those to the broker to judge
                return p.equals(StreamsConfig.TOPIC_PREFIX) ? !rest.isEmpty() : KNOWN.contains(rest);
            }
        }
        // per-mechanism SASL settings such as listener.name.x.scram-sha-512.sasl.jaas.config
        return kafkaKey.startsWith("listener.name.");
    }
}
