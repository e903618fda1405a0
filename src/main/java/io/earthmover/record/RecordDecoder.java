package io.earthmover.record;

import org.apache.kafka.common.header.Headers;

/**
 * Turns one Kafka record value into the parsed record everything after parsing works on, or a
 * rejection with its code: {@link RecordParser} for JSON, {@code io.earthmover.format.RegistryDecoder}
 * for Avro and Protobuf. No exception escapes {@link #decode}. One instance per thread.
 */
public interface RecordDecoder extends AutoCloseable {
    /**
     * @param value          the Kafka record value, possibly null
     * @param headers        the Kafka record headers, or null where there are none (files)
     * @param kafkaTimestamp the Kafka record timestamp, used when the record has no {@code ts}
     */
    ParseResult decode(byte[] value, Headers headers, long kafkaTimestamp);

    @Override
    default void close() {
    }
}
